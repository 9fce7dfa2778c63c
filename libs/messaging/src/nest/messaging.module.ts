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
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { type EventStore, type RecordedEvent } from '@crm/eventsourcing';
import { createPool } from '@crm/postgres';
import { EVENT_STORE } from '@crm/eventsourcing/nest/event-store.module';
import { HealthRegistry, PLATFORM_LOGGER } from '@crm/platform/nest';
import type { Logger } from 'pino';
import { PostgresCheckpointStore } from '../checkpoint-store';
import { createKafka, deadLetterTopicOf, ensureTopics, topicOfService } from '../kafka';
import { PostgresLease } from '../postgres-lease';
import { EventRelay, type RelayLogger } from '../relay';

/** Injection token of the service's kafkajs client. */
export const KAFKA = Symbol('KAFKA');

export interface MessagingOptions {
  service: string;
  brokers: string[];
  /** The service's topic (`crm.<service>` by default). */
  topic?: string;
  /** Where the relay keeps its checkpoint and lease (PostgreSQL). */
  databaseUrl: string;
  /** PostgreSQL schema for the relay's checkpoint table. */
  schema: string;
  /** The customer id an event concerns: Kafka key and CloudEvents subject. */
  subjectOf(event: RecordedEvent): string | undefined;
  partitions?: number;
}

const OPTIONS = Symbol('MESSAGING_OPTIONS');

/**
 * Optional: turns each batch of stored events into what is published (upcast to current versions,
 * personal data kept sealed). The privacy module provides it; without it events go out as stored.
 */
export const PREPARE_FOR_PUBLISHING = Symbol('PREPARE_FOR_PUBLISHING');
export type PrepareForPublishing = (events: RecordedEvent[]) => Promise<RecordedEvent[]>;
const RELAY = Symbol('RELAY');

class RelayLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly pool: Pool;
  private relay?: EventRelay;

  constructor(
    @Inject(OPTIONS) private readonly options: MessagingOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly health: HealthRegistry,
    @Optional() @Inject(PREPARE_FOR_PUBLISHING) private readonly prepare?: PrepareForPublishing,
  ) {
    this.pool = createPool({ connectionString: options.databaseUrl, max: 2 });
  }

  private get topic(): string {
    return this.options.topic ?? topicOfService(this.options.service);
  }

  async onModuleInit(): Promise<void> {
    const topic = this.topic;
    await ensureTopics(this.kafka, [topic, deadLetterTopicOf(topic)], this.options.partitions);
    const admin = this.kafka.admin();
    this.health.register('kafka', async () => {
      await admin.connect();
      await admin.describeCluster();
    });
  }

  /** Every replica runs a relay; the lease lets one publish at a time. */
  async onApplicationBootstrap(): Promise<void> {
    const checkpoints = new PostgresCheckpointStore(this.pool, this.options.schema);
    await checkpoints.migrate();
    this.relay = new EventRelay({
      service: this.options.service,
      store: this.store,
      kafka: this.kafka,
      topic: this.topic,
      checkpoints,
      lease: new PostgresLease(
        { connectionString: this.options.databaseUrl },
        `relay:${this.options.schema}:${this.options.service}`,
      ),
      subjectOf: this.options.subjectOf,
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

/** Our pino logger in the shape the relay, consumers and projection runners log through. */
export function componentLogger(logger: Logger): RelayLogger {
  return {
    info: (message, context) => logger.info(context ?? {}, message),
    error: (message, context) => logger.error(context ?? {}, message),
  };
}

/** Kafka client, the service's topics, and the relay from its event store (started and stopped with the app). */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: KAFKA, useFactory: () => createKafka({ brokers: options.brokers, clientId: options.service }) },
        { provide: RELAY, useClass: RelayLifecycle },
      ],
      exports: [KAFKA],
    };
  }
}
