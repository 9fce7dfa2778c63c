import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { createPool } from '@crm/postgres';
import type { Logger } from 'pino';
import { createKafka } from '@crm/messaging';
import { KAFKA } from '@crm/messaging/nest/messaging.module';
import { HealthRegistry, PLATFORM_LOGGER } from '@crm/platform/nest';
import type { PersonalDataVault } from '@crm/privacy';
import { OPEN_PERSONAL_DATA } from '@crm/projections/nest/read-models.module';
import { openingVault, probeSubjectKeys, waitForSubjectKeys } from './subject-keys';
import { waitForTopics } from './topics';

/** Injection token of the vault that opens (and only opens) personal data with the contacts service's keys. */
export const PERSONAL_DATA_READER = Symbol('PERSONAL_DATA_READER');

export interface AnalyticsInfrastructureOptions {
  brokers: string[];
  /** The topics analytics consumes; their services create them (and their dead-letter topics). */
  topics: readonly string[];
  subjectKeys: { databaseUrl: string; schema: string; masterKey: string };
}

const OPTIONS = Symbol('ANALYTICS_INFRASTRUCTURE_OPTIONS');
const POOL = Symbol('SUBJECT_KEYS_POOL');

class InfrastructureLifecycle implements OnModuleInit, OnApplicationShutdown {
  private admin?: Admin;

  constructor(
    @Inject(OPTIONS) private readonly options: AnalyticsInfrastructureOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(POOL) private readonly pool: Pool,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly health: HealthRegistry,
  ) {}

  /** Runs before the projections start (they start on application bootstrap). */
  async onModuleInit(): Promise<void> {
    const { topics, subjectKeys } = this.options;
    const admin = (this.admin = this.kafka.admin());
    this.health.register('kafka', async () => {
      await admin.connect();
      await admin.describeCluster();
    });
    this.health.register('subjectKeys', () => probeSubjectKeys(this.pool, subjectKeys.schema));
    // The contacts service owns both, and may be starting at the same time.
    await waitForTopics(this.kafka, topics, {
      onWait: (missing) => this.logger.info({ missing }, 'Waiting for the source services to create their topics'),
    });
    await waitForSubjectKeys(this.pool, subjectKeys.schema, {
      onWait: () =>
        this.logger.info({ schema: subjectKeys.schema }, 'Waiting for the contacts service to create its subject key table'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    await this.pool.end();
  }
}

/**
 * Kafka and the read-only access to personal data that the projections (ReadModelsModule) and the queries use.
 * Import it before ReadModelsModule: global modules shut down in reverse order, so the runners stop (their last
 * batch opened and written) before the key store's pool closes.
 */
@Global()
@Module({})
export class AnalyticsInfrastructureModule {
  static forRoot(options: AnalyticsInfrastructureOptions): DynamicModule {
    const { subjectKeys } = options;
    return {
      module: AnalyticsInfrastructureModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: KAFKA, useFactory: () => createKafka({ brokers: options.brokers, clientId: 'analytics' }) },
        { provide: POOL, useFactory: () => createPool({ connectionString: subjectKeys.databaseUrl, max: 5 }) },
        { provide: PERSONAL_DATA_READER, inject: [POOL], useFactory: (pool: Pool) => openingVault(pool, subjectKeys) },
        {
          provide: OPEN_PERSONAL_DATA,
          inject: [PERSONAL_DATA_READER],
          useFactory: (vault: PersonalDataVault) => (events: Parameters<PersonalDataVault['open']>[0]) => vault.open(events),
        },
        InfrastructureLifecycle,
      ],
      exports: [KAFKA, PERSONAL_DATA_READER, OPEN_PERSONAL_DATA],
    };
  }
}
