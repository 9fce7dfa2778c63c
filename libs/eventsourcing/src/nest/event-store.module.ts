import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@crm/platform/nest';
import { registerConcurrencyProblem } from './concurrency-problem';
import type { EventStore } from '../event-store';
import { createEventStore, type EventStoreConfig } from '../event-store.factory';

/** Injection token of the service's EventStore. */
export const EVENT_STORE = Symbol('EVENT_STORE');

class EventStoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly health: HealthRegistry,
  ) {}
  onModuleInit(): void {
    this.health.register('eventStore', () => this.store.ping());
  }
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides the configured EventStore (PostgreSQL tables migrated), its readiness check and its closing. */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(config: EventStoreConfig): DynamicModule {
    registerConcurrencyProblem();
    return {
      module: EventStoreModule,
      providers: [{ provide: EVENT_STORE, useFactory: () => createEventStore(config) }, EventStoreLifecycle],
      exports: [EVENT_STORE],
    };
  }
}
