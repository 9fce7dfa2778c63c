export { EVENT_STORE, EventStoreModule } from './event-store.module';
export { concurrencyConflict, registerConcurrencyProblem } from './concurrency-problem';
