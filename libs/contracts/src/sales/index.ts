export * from './money';
export * from './lead';
