import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { createPool } from '@crm/postgres';
import { crmContracts } from '@crm/contracts';
import { PREPARE_FOR_PUBLISHING, type PrepareForPublishing } from '@crm/messaging/nest/messaging.module';
import { OPEN_PERSONAL_DATA } from '@crm/projections/nest/read-models.module';
import { HealthRegistry } from '@crm/platform/nest';
import { parseMasterKey } from '../cipher';
import { PostgresSubjectKeyStore } from '../postgres-key-store';
import { PersonalDataVault } from '../vault';

/** Injection token of the service's PersonalDataVault. */
export const PERSONAL_DATA_VAULT = Symbol('PERSONAL_DATA_VAULT');

export interface PrivacyOptions {
  /** PostgreSQL holding the subject keys. */
  databaseUrl: string;
  schema: string;
  /** Base64 of 32 bytes, from the environment (PII_MASTER_KEY). */
  masterKey: string;
}

const POOL = Symbol('PRIVACY_POOL');
const KEYS = Symbol('SUBJECT_KEYS');

class PrivacyLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(POOL) private readonly pool: Pool,
    private readonly health: HealthRegistry,
  ) {}
  onModuleInit(): void {
    this.health.register('subjectKeys', async () => {
      await this.pool.query('SELECT 1');
    });
  }
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * The subject key store (migrated) and the vault over the CRM's contracts; through it the relay
 * publishes (upcast, still sealed) and projections that ask for it get personal data opened.
 */
@Global()
@Module({})
export class PrivacyModule {
  static forRoot(options: PrivacyOptions): DynamicModule {
    const masterKey = parseMasterKey(options.masterKey);
    return {
      module: PrivacyModule,
      providers: [
        { provide: POOL, useFactory: () => createPool({ connectionString: options.databaseUrl, max: 5 }) },
        {
          provide: KEYS,
          inject: [POOL],
          useFactory: async (pool: Pool) => {
            const keys = new PostgresSubjectKeyStore(pool, masterKey, options.schema);
            await keys.migrate();
            return keys;
          },
        },
        {
          provide: PERSONAL_DATA_VAULT,
          inject: [KEYS],
          useFactory: (keys: PostgresSubjectKeyStore) => new PersonalDataVault(crmContracts, keys),
        },
        {
          provide: OPEN_PERSONAL_DATA,
          inject: [PERSONAL_DATA_VAULT],
          useFactory: (vault: PersonalDataVault) => (events: Parameters<PersonalDataVault['open']>[0]) => vault.open(events),
        },
        {
          provide: PREPARE_FOR_PUBLISHING,
          inject: [PERSONAL_DATA_VAULT],
          useFactory:
            (vault: PersonalDataVault): PrepareForPublishing =>
            (events) =>
              vault.toPublished(events),
        },
        PrivacyLifecycle,
      ],
      exports: [PERSONAL_DATA_VAULT, OPEN_PERSONAL_DATA, PREPARE_FOR_PUBLISHING],
    };
  }
}
