import {
  Global,
  Inject,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { EventStore, RecordedEvent } from '@crm/eventsourcing';
import { EVENT_STORE } from '@crm/eventsourcing/nest';
import { HealthRegistry, PLATFORM_LOGGER } from '@crm/platform/nest';
import { createPool } from '@crm/postgres';
import { PostgresCheckpointStore } from '../checkpoint-store';
import { createKafka, deadLetterTopicOf, ensureTopics } from '../kafka';
import { PostgresLease } from '../postgres-lease';
import { EventRelay, type RelayLogger } from '../relay';

/** Injection token of the service's kafkajs client. */
export const KAFKA = Symbol('KAFKA');

/**
 * Optional: turns each batch of stored events into what is published (upcast to current versions, personal data
 * kept sealed). Without it events go out as stored.
 */
export const PREPARE_FOR_PUBLISHING = Symbol('PREPARE_FOR_PUBLISHING');
export type PrepareForPublishing = (events: RecordedEvent[]) => Promise<RecordedEvent[]>;

/** Our pino logger in the shape the relay, consumers and projection runners log through. */
export function componentLogger(logger: Logger): RelayLogger {
  return {
    info: (message, context) => logger.info(context ?? {}, message),
    error: (message, context) => logger.error(context ?? {}, message),
  };
}

class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  private admin?: Admin;
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}
  onModuleInit(): void {
    const admin = (this.admin = this.kafka.admin());
    this.health.register('kafka', async () => {
      await admin.connect();
      await admin.describeCluster();
    });
  }
  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }
}

/** The service's kafkajs client (KAFKA), with its readiness check. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: { brokers: readonly string[]; clientId: string }): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KAFKA,
          useFactory: (logger: Logger) => createKafka({ brokers: [...options.brokers], clientId: options.clientId, logger }),
          inject: [PLATFORM_LOGGER],
        },
        KafkaLifecycle,
      ],
      exports: [KAFKA],
    };
  }
}

export interface RelayOptions {
  service: string;
  /** The service's topic (`crm.<service>`, or under another prefix). */
  topic: string;
  /** Where the relay keeps its checkpoint and lease (PostgreSQL). */
  databaseUrl: string;
  /** PostgreSQL schema for the relay's checkpoint table. */
  schema: string;
  /** The customer id an event concerns: Kafka key and CloudEvents subject. */
  subjectOf(event: RecordedEvent): string | undefined;
  /** The id of the aggregate an event belongs to: the Kafka key of an event that concerns no customer. */
  aggregateIdOf(event: RecordedEvent): string;
  partitions?: number;
}

const RELAY_OPTIONS = Symbol('RELAY_OPTIONS');

class RelayLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pool: Pool;
  private relay?: EventRelay;

  constructor(
    @Inject(RELAY_OPTIONS) private readonly options: RelayOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(PREPARE_FOR_PUBLISHING) private readonly prepare?: PrepareForPublishing,
  ) {
    this.pool = createPool({ connectionString: options.databaseUrl, max: 2 });
  }

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka, [this.options.topic, deadLetterTopicOf(this.options.topic)], this.options.partitions);
  }

  /** Every replica runs a relay; the lease lets one publish at a time. */
  async onApplicationBootstrap(): Promise<void> {
    const checkpoints = new PostgresCheckpointStore(this.pool, this.options.schema);
    await checkpoints.migrate();
    this.relay = new EventRelay({
      service: this.options.service,
      store: this.store,
      kafka: this.kafka,
      topic: this.options.topic,
      checkpoints,
      lease: new PostgresLease(
        { connectionString: this.options.databaseUrl },
        `relay:${this.options.schema}:${this.options.service}`,
      ),
      subjectOf: this.options.subjectOf,
      aggregateIdOf: this.options.aggregateIdOf,
      prepare: this.prepare,
      logger: componentLogger(this.logger),
    });
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.pool.end();
  }
}

/** The relay from the service's event store to its topic (created if missing), started and stopped with the app. */
@Module({})
export class RelayModule {
  static forRoot(options: RelayOptions): DynamicModule {
    return { module: RelayModule, providers: [{ provide: RELAY_OPTIONS, useValue: options }, RelayLifecycle] };
  }
}
