import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { ContractRegistry } from '@crm/contracts';
import { HealthRegistry, PLATFORM_LOGGER } from '@crm/platform/nest';
import { createPool, qualifiedTable } from '@crm/postgres';
import { parseMasterKey } from '../cipher';
import { PostgresSubjectKeyStore } from '../postgres-key-store';
import { readOnlySubjectKeys } from '../read-only-keys';
import { PersonalDataVault } from '../vault';

/** Injection token of the service's PersonalDataVault. */
export const PERSONAL_DATA_VAULT = Symbol('PERSONAL_DATA_VAULT');

export interface PrivacyOptions {
  contracts: ContractRegistry;
  /** PostgreSQL holding the subject keys. */
  databaseUrl: string;
  /** Their schema: one store for every service (SUBJECT_KEYS_SCHEMA). */
  schema: string;
  /** Base64 of 32 bytes, from the environment (PII_MASTER_KEY). */
  masterKey: string;
  /**
   * `seal`: the service writes personal data (it creates the table, makes keys, erases them);
   * `open`: it only shows what others sealed (it waits for the table and can neither make nor erase a key).
   */
  mode: 'seal' | 'open';
  /** A sealing service's own schema, whose `subject_keys` (from before the store was shared) is moved in once. */
  movingFrom?: string;
  /** The service appends its events in this same database: a create's new key is written in the append's statement. */
  besideEvents?: boolean;
}

const POOL = Symbol('PRIVACY_POOL');
const OPTIONS = Symbol('PRIVACY_OPTIONS');

class PrivacyLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(POOL) private readonly pool: Pool,
    @Inject(OPTIONS) private readonly options: PrivacyOptions,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}
  onModuleInit(): void {
    const table = qualifiedTable(this.options.schema, 'subject_keys');
    this.health.register('subjectKeys', async () => void (await this.pool.query(`SELECT 1 FROM ${table} LIMIT 1`)));
  }
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/** The vault over the shared subject keys (ADR 0007): seals and opens personal data, or only opens it. */
@Global()
@Module({})
export class PrivacyModule {
  static forRoot(options: PrivacyOptions): DynamicModule {
    const masterKey = parseMasterKey(options.masterKey);
    return {
      module: PrivacyModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: POOL, useFactory: () => createPool({ connectionString: options.databaseUrl, max: 5 }) },
        {
          provide: PERSONAL_DATA_VAULT,
          inject: [POOL, PLATFORM_LOGGER],
          useFactory: async (pool: Pool, logger: Logger) => {
            if (options.mode === 'open') {
              const onWait = () =>
                logger.info({ schema: options.schema }, 'Waiting for a sealing service to create the subject key table');
              return new PersonalDataVault(
                options.contracts,
                await readOnlySubjectKeys(pool, masterKey, options.schema, { onWait }),
              );
            }
            const keys = new PostgresSubjectKeyStore(pool, masterKey, options.schema, { besideEvents: options.besideEvents });
            await keys.migrate();
            if (options.movingFrom) {
              const moved = await keys.moveFrom(options.movingFrom);
              if (moved > 0)
                logger.info({ from: options.movingFrom, to: options.schema, moved }, 'Subject keys moved to the shared store');
            }
            return new PersonalDataVault(options.contracts, keys);
          },
        },
        PrivacyLifecycle,
      ],
      exports: [PERSONAL_DATA_VAULT],
    };
  }
}
