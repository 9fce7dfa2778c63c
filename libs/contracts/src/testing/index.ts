export * from './type-sync';
