export * from './json-schema';
export * from './common-schemas';
export * from './errors';
export * from './contract';
export * from './upcaster';
export * from './registry';
export * from './crm-contracts';
export * from './contacts';
