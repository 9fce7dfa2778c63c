// Nest wiring lives under nest/ and is imported by path (`@crm/eventsourcing/nest/event-store.module`):
// the core stays free of the platform, which itself imports the core.
export * from './event-store';
export * from './errors';
export * from './expected-revision';
export * from './decider';
export * from './streams';
export * from './repository';
export * from './ids';
export * from './subscription';
export * from './adapters/in-memory.event-store';
export * from './adapters/postgres.event-store';
export { EsdbEventStore, type EsdbEventStoreOptions } from './adapters/esdb.event-store';
export * from './event-store.factory';
