/** Ids the analytics specs share. */
export const ADA = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
export const ADA_TWIN = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e41';
export const ADA_THIRD = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e42';
export const ENGINES = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e77';
export const MERGE = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e88';
