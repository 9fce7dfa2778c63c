import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { waitForTopics, type EventDecoder } from '@crm/messaging';
import { componentLogger, KAFKA } from '@crm/messaging/nest';
import { HealthRegistry, PLATFORM_LOGGER } from '@crm/platform/nest';
import { projectionTopics, type ProjectionDeps } from '../deps';
import type { ProjectionDefinition, TopicOfService } from '../projection';
import { ProjectionRunner } from '../runner';

/** Injection token of the service's read-model database connection (mongoose). */
export const READ_MODELS = Symbol('READ_MODELS');

/** Injection token of the EventDecoder the runners share (see EventDecoder: each event decoded once per process). */
export const EVENT_DECODER = Symbol('EVENT_DECODER');

export interface ReadModelsOptions {
  uri: string;
  /** The service's own database. */
  dbName: string;
  projections: readonly ProjectionDefinition<object>[];
  /** The topic of a service under the configured prefix. */
  topicOf: TopicOfService;
}

const OPTIONS = Symbol('READ_MODELS_OPTIONS');

/**
 * How long an operation waits for MongoDB to become reachable before it fails (the driver's default is 30 s):
 * a request then gets its 503 while its client still waits, and a projection retries within its consumer's
 * session (10 s) instead of being dropped from its group. A `serverSelectionTimeoutMS` in the URI wins.
 */
export const SERVER_SELECTION_TIMEOUT_MS = 5000;

export function readModelConnectionOptions(uri: string, dbName: string): mongoose.ConnectOptions {
  const inUri = /[?&]serverSelectionTimeoutMS=/i.test(uri);
  return { dbName, ...(inUri ? {} : { serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS }) };
}

// Filters built from request input can never smuggle in query operators.
mongoose.set('sanitizeFilter', true);

class ProjectionsLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private runners: ProjectionRunner[] = [];

  constructor(
    @Inject(OPTIONS) private readonly options: ReadModelsOptions,
    @Inject(READ_MODELS) private readonly connection: Connection,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVENT_DECODER) private readonly decoder: EventDecoder,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register('readModels', async () => {
      await this.connection.db?.admin().ping();
    });
  }

  /** After every module's init (a producer creates its own topic there), once the topics of other services exist. */
  async onApplicationBootstrap(): Promise<void> {
    const deps: ProjectionDeps = {
      kafka: this.kafka,
      connection: this.connection,
      logger: componentLogger(this.logger),
      decoder: this.decoder,
      topicOf: this.options.topicOf,
    };
    const topics = [...new Set(this.options.projections.flatMap((projection) => projectionTopics(projection, deps)))];
    await waitForTopics(this.kafka, topics, {
      onWait: (missing) => this.logger.info({ missing }, 'Waiting for the source services to create their topics'),
    });
    this.runners = this.options.projections.map((projection) => new ProjectionRunner(projection, deps));
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  /** Drains the consumers (the batch in hand is written and committed) before the connection closes. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await this.connection.close();
  }
}

/** The service's read-model database and its projections, run from Kafka for the app's lifetime. */
@Global()
@Module({})
export class ReadModelsModule {
  static forRoot(options: ReadModelsOptions): DynamicModule {
    return {
      module: ReadModelsModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: READ_MODELS,
          useFactory: () =>
            mongoose.createConnection(options.uri, readModelConnectionOptions(options.uri, options.dbName)).asPromise(),
        },
        ProjectionsLifecycle,
      ],
      exports: [READ_MODELS],
    };
  }
}
