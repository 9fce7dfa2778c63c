import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { componentLogger } from '@crm/messaging/nest';
import { runWithCorrelation } from '@crm/platform';
import { PLATFORM_LOGGER } from '@crm/platform/nest';
import { createPool } from '@crm/postgres';
import { PostgresTimerStore, TimerScheduler, timerEventId, type TimerHandler } from '@crm/timers';
import { decoratedMethods } from '../decorated-methods';
import { ON_TIMER } from './on-timer';

/** The service's timers (`<schema>.timers`): inject it to schedule, cancel or look up a timer. */
export class Timers extends PostgresTimerStore {}

export interface TimersOptions {
  /** The actor of what handlers do. */
  service: string;
  databaseUrl: string;
  schema: string;
  /** The kinds the service declares: each needs exactly one `@OnTimer` handler. */
  kinds: readonly string[];
  pollIntervalMs: number;
  batchSize: number;
  leaseMs: number;
}

export class TimerHandlersMismatch extends Error {
  override readonly name = 'TimerHandlersMismatch';
}

const OPTIONS = Symbol('TIMERS_OPTIONS');
const POOL = Symbol('TIMERS_POOL');

/**
 * Checks the handlers and creates the table when the module starts (before the reactors that schedule run), starts
 * the scheduler once the application is up, and stops it before anything closes on shutdown: the runs in flight end
 * and are recorded while the event store they append to is still open.
 */
class TimersHost implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private scheduler?: TimerScheduler;

  constructor(
    @Inject(OPTIONS) private readonly options: TimersOptions,
    @Inject(POOL) private readonly pool: Pool,
    @Inject(Timers) private readonly timers: Timers,
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  private handlers: Record<string, TimerHandler> = {};

  /** Checks the handlers against the declared kinds before anything connects, then creates the table. */
  async onModuleInit(): Promise<void> {
    this.handlers = this.discover();
    await this.timers.migrate();
  }

  onApplicationBootstrap(): void {
    this.scheduler = new TimerScheduler({
      store: this.timers,
      handlers: this.handlers,
      pollIntervalMs: this.options.pollIntervalMs,
      batchSize: this.options.batchSize,
      leaseMs: this.options.leaseMs,
      logger: componentLogger(this.logger),
    });
    this.scheduler.start();
    this.logger.info({ kinds: this.options.kinds, owner: this.scheduler.owner }, 'Timers firing');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  /** The `@OnTimer` method of each declared kind; a kind without one, or with two, or undeclared, stops the start. */
  private discover(): Record<string, TimerHandler> {
    const found = new Map<string, TimerHandler[]>();
    const marked = decoratedMethods<string, TimerHandler>(this.discovery, this.scanner, this.reflector, ON_TIMER);
    for (const { method, metadata: kind } of marked) {
      // Each run in a correlation of its own, named after the timer (the same on every run), the service acting.
      const handler: TimerHandler = (timer, context) =>
        runWithCorrelation({ correlationId: timerEventId(timer.id), actor: this.options.service }, () => method(timer, context));
      found.set(kind, [...(found.get(kind) ?? []), handler]);
    }
    const declared = new Set(this.options.kinds);
    const problems = [
      ...[...declared]
        .filter((kind) => (found.get(kind) ?? []).length !== 1)
        .map((kind) => `kind ${kind} has ${(found.get(kind) ?? []).length} @OnTimer handlers, not 1`),
      ...[...found.keys()]
        .filter((kind) => !declared.has(kind))
        .map((kind) => `@OnTimer('${kind}') handles a kind the service does not declare`),
    ];
    if (problems.length > 0) throw new TimerHandlersMismatch(`Timers: ${problems.join('; ')}`);
    return Object.fromEntries([...found].map(([kind, [handler]]) => [kind, handler]));
  }
}

/** The service's durable timers (ADR 0019): the table in its schema, `Timers` to schedule, and the scheduler. */
@Module({})
export class TimersModule {
  static forRoot(options: TimersOptions): DynamicModule {
    const providers = [
      { provide: OPTIONS, useValue: options },
      // Claims, renewals and records, and one connection held for LISTEN.
      { provide: POOL, useFactory: () => createPool({ connectionString: options.databaseUrl, max: 4 }) },
      { provide: Timers, inject: [POOL], useFactory: (pool: Pool) => new Timers(pool, options.schema) },
    ];
    return {
      module: TimersModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [...providers, TimersHost],
      exports: [Timers],
    };
  }
}
