import {
  Inject,
  Module,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Pool } from 'pg';
import { createPool } from '@crm/postgres';
import type { Logger } from 'pino';
import { parseDuration } from '@crm/platform';
import { HealthRegistry, DEFAULT_BODY_LIMIT_BYTES, PLATFORM_LOGGER } from '@crm/platform/nest';
import { IDEMPOTENCY_MAX_RESPONSE_BYTES, IdempotencyInterceptor } from './idempotency.interceptor';
import type { IdempotencyStore } from '../idempotency-store';
import { IdempotentRequests, type ResponseProtection } from '../idempotent-requests';
import { PostgresIdempotencyStore } from '../postgres-idempotency-store';

/** Milliseconds, or a duration such as `24h`, `10s`. */
type Duration = number | string;

interface CommonOptions {
  /** How long a key is remembered; 24 h unless given. */
  ttl?: Duration;
  /** How long a retry waits for a first request still running before 409; 10 s unless given. */
  waitTimeout?: Duration;
  /** A claim without a response for this long is taken to be dead, and a retry runs; 1 min unless given. */
  lease?: Duration;
  /** How often expired records are deleted; 1 h unless given, `0` never (a claim still reuses an expired key). */
  purgeInterval?: Duration;
  /** Larger responses are not kept (a retry runs again); the request body limit (1 MiB) unless given. */
  maxResponseBytes?: number;
  /**
   * Seals stored responses with the data subject's key; without it bodies are stored as sent. Given as a
   * factory when it needs the service's providers (its vault): `{ inject: [VAULT], useFactory: (vault) => ... }`.
   */
  protect?: ResponseProtection | ProtectionFactory;
}

export interface ProtectionFactory {
  inject: InjectionToken[];
  useFactory: (...dependencies: never[]) => ResponseProtection;
}

export type IdempotencyOptions =
  | (CommonOptions & { databaseUrl: string; schema: string; store?: never })
  /** A store of your own, e.g. InMemoryIdempotencyStore for a service running on the in-memory event store. */
  | (CommonOptions & { store: IdempotencyStore; databaseUrl?: never; schema?: never });

/** Injection token of the service's IdempotencyStore: `forgetSubject(customerId)` belongs in its erasure. */
export const IDEMPOTENCY_STORE = Symbol('crm:idempotency-store');
const POOL = Symbol('crm:idempotency-pool');
const OPTIONS = Symbol('crm:idempotency-options');
const PROTECTION = Symbol('crm:idempotency-protection');

const DEFAULTS = { ttl: 24 * 3_600_000, waitTimeout: 10_000, lease: 60_000, purgeInterval: 3_600_000 };

class IdempotencyLifecycle implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private purging: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(OPTIONS) private readonly options: IdempotencyOptions,
    @Inject(POOL) private readonly pool: Pool | null,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @Inject(IdempotencyInterceptor) private readonly interceptor: IdempotencyInterceptor,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const pool = this.pool;
    if (pool) this.health.register('idempotencyKeys', async () => void (await pool.query('SELECT 1')));
    const every = durationOf(this.options.purgeInterval, DEFAULTS.purgeInterval, 'purgeInterval');
    if (every > 0) {
      this.timer = setInterval(() => {
        this.purging = this.store
          .purgeExpired()
          .catch((error: unknown) => this.logger.warn({ err: error }, 'could not purge expired idempotency keys'));
      }, every);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.interceptor.drain();
    await this.purging;
    await this.pool?.end();
  }
}

/**
 * `Idempotency-Key` for every POST of the service (API conventions): import once in the service's module,
 *
 *   IdempotencyModule.forRoot({ databaseUrl: config.DATABASE_URL, schema: config.CONTACTS_DB_SCHEMA })
 *
 * It migrates `<schema>.idempotency_keys`, owns a small pool (closed on shutdown, after the responses being stored),
 * adds a readiness check and registers the interceptor globally. PlatformModule must be there (it is in services).
 */
@Module({})
export class IdempotencyModule {
  static forRoot(options: IdempotencyOptions): DynamicModule {
    const settings = {
      ttlMs: durationOf(options.ttl, DEFAULTS.ttl, 'ttl'),
      waitTimeoutMs: durationOf(options.waitTimeout, DEFAULTS.waitTimeout, 'waitTimeout'),
      leaseMs: durationOf(options.lease, DEFAULTS.lease, 'lease'),
    };
    const protect = options.protect;
    const protection: Provider =
      protect && 'useFactory' in protect
        ? { provide: PROTECTION, inject: protect.inject, useFactory: protect.useFactory }
        : { provide: PROTECTION, useValue: protect };
    if (settings.ttlMs <= 0 || settings.leaseMs <= 0) throw new Error('Idempotency ttl and lease must be positive');
    const storeProviders: Provider[] = options.store
      ? [
          { provide: POOL, useValue: null },
          { provide: IDEMPOTENCY_STORE, useValue: options.store },
        ]
      : [
          {
            provide: POOL,
            useFactory: () => createPool({ connectionString: options.databaseUrl, max: 5 }),
          },
          {
            provide: IDEMPOTENCY_STORE,
            inject: [POOL],
            useFactory: async (pool: Pool) => {
              const store = new PostgresIdempotencyStore(pool, options.schema);
              await store.migrate();
              return store;
            },
          },
        ];
    return {
      module: IdempotencyModule,
      global: true,
      providers: [
        { provide: OPTIONS, useValue: options },
        protection,
        ...storeProviders,
        {
          provide: IdempotentRequests,
          inject: [IDEMPOTENCY_STORE, PROTECTION],
          useFactory: (store: IdempotencyStore, protect: ResponseProtection | undefined) =>
            new IdempotentRequests(store, { ...settings, protect }),
        },
        { provide: IDEMPOTENCY_MAX_RESPONSE_BYTES, useValue: options.maxResponseBytes ?? DEFAULT_BODY_LIMIT_BYTES },
        IdempotencyInterceptor,
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
        IdempotencyLifecycle,
      ],
      exports: [IDEMPOTENCY_STORE],
    };
  }
}

function durationOf(value: Duration | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const ms = typeof value === 'number' ? value : parseDuration(value);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < 0)
    throw new Error(`Idempotency ${name} is not a duration: ${String(value)}`);
  return ms;
}
