import { EsdbEventStore } from './adapters/esdb.event-store';
import { InMemoryEventStore } from './adapters/in-memory.event-store';
import { PostgresEventStore } from './adapters/postgres.event-store';
import type { EventStore } from './event-store';

export interface EventStoreConfig {
  /** `EVENT_STORE` in the environment. */
  kind: 'postgres' | 'esdb' | 'memory';
  /** `DATABASE_URL`, for postgres. */
  databaseUrl?: string;
  /** `ESDB_URL`, for esdb. */
  esdbUrl?: string;
  /** PostgreSQL schema of the `events` table (defaults to `public`). */
  schema?: string;
}

/** The event store the configuration names, ready to use (the PostgreSQL table is created if missing). */
export async function createEventStore(config: EventStoreConfig): Promise<EventStore> {
  switch (config.kind) {
    case 'memory':
      return new InMemoryEventStore();
    case 'postgres': {
      const store = new PostgresEventStore({
        connection: { connectionString: required(config.databaseUrl, 'DATABASE_URL', config.kind) },
        schema: config.schema,
      });
      try {
        await store.migrate();
      } catch (error) {
        await store.close();
        throw error;
      }
      return store;
    }
    case 'esdb':
      return new EsdbEventStore({ connectionString: required(config.esdbUrl, 'ESDB_URL', config.kind) });
    default:
      throw new Error(`Unknown event store kind "${String((config as { kind: unknown }).kind)}" (EVENT_STORE)`);
  }
}

function required(value: string | undefined, variable: string, kind: string): string {
  if (!value) throw new Error(`${variable} is required when EVENT_STORE is ${kind}`);
  return value;
}
