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
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import { componentLogger, KAFKA } from '@crm/messaging/nest/messaging.module';
import { HealthRegistry, PLATFORM_LOGGER } from '@crm/platform/nest';
import type { ProjectionDefinition } from '../projection';
import type { ProjectionDeps } from '../prepare';
import { ProjectionRunner } from '../runner';

/** Injection token of the service's read-model database connection (mongoose). */
export const READ_MODELS = Symbol('READ_MODELS');

/** Optional: what opens sealed personal data for projections that declare `opensPersonalData` (the privacy module provides it). */
export const OPEN_PERSONAL_DATA = Symbol('OPEN_PERSONAL_DATA');

export interface ReadModelsOptions {
  uri: string;
  /** The service's own database. */
  dbName: string;
  projections: readonly ProjectionDefinition<object>[];
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
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly health: HealthRegistry,
    @Optional() @Inject(OPEN_PERSONAL_DATA) private readonly openPersonalData?: ProjectionDeps['openPersonalData'],
  ) {}

  onModuleInit(): void {
    this.health.register('readModels', async () => {
      await this.connection.db?.admin().ping();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const logger = componentLogger(this.logger);
    this.runners = this.options.projections.map(
      (projection) =>
        new ProjectionRunner(projection, {
          kafka: this.kafka,
          connection: this.connection,
          logger,
          openPersonalData: this.openPersonalData,
        }),
    );
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
