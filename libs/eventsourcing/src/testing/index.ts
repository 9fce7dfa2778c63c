export * from './spec';
export * from './event-store.contract';
export * from './unique-names';
