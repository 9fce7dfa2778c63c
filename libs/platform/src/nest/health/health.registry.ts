import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { PLATFORM_LOGGER } from '../http/tokens';

/** Resolves when the dependency is usable (event store, Kafka, MongoDB); rejects otherwise. */
export type ReadinessCheck = () => Promise<void>;

export interface CheckResult {
  readonly status: 'up' | 'down';
  readonly durationMs: number;
  /** Why it is down. The error itself is logged, not served: readiness is public. */
  readonly reason?: 'failed' | 'timeout';
}

export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  /** Set once shutdown began: load balancers should stop sending traffic. */
  readonly draining?: true;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

const DEFAULT_TIMEOUT_MS = 2_000;

class CheckTimeout extends Error {}

/** Where services register what readiness depends on: `health.register('kafka', () => admin.describeCluster())`. */
@Injectable()
export class HealthRegistry implements BeforeApplicationShutdown {
  private readonly checks = new Map<string, { check: ReadinessCheck; timeoutMs: number }>();
  private readonly lastStatus = new Map<string, CheckResult['status']>();
  private draining = false;

  constructor(@Inject(PLATFORM_LOGGER) private readonly logger: Logger) {}

  register(name: string, check: ReadinessCheck, options: { timeoutMs?: number } = {}): void {
    if (this.checks.has(name)) throw new Error(`Readiness check "${name}" is already registered`);
    this.checks.set(name, { check, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  }

  unregister(name: string): void {
    this.checks.delete(name);
    this.lastStatus.delete(name);
  }

  /** Runs every check in parallel, each bounded by its timeout. */
  async readiness(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, { check, timeoutMs }]) => [name, await this.run(name, check, timeoutMs)] as const),
    );
    const checks = Object.fromEntries(entries);
    const allUp = entries.every(([, result]) => result.status === 'up');
    return {
      status: allUp && !this.draining ? 'ready' : 'not_ready',
      ...(this.draining && { draining: true as const }),
      checks,
    };
  }

  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  private async run(name: string, check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new CheckTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return this.record(name, { status: 'up', durationMs: elapsed(started) });
    } catch (error) {
      const reason = error instanceof CheckTimeout ? 'timeout' : 'failed';
      return this.record(name, { status: 'down', durationMs: elapsed(started), reason }, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs changes of status only: probes run every few seconds. */
  private record(name: string, result: CheckResult, error?: unknown): CheckResult {
    const previous = this.lastStatus.get(name);
    this.lastStatus.set(name, result.status);
    if (result.status === 'down' && previous !== 'down')
      this.logger.warn({ check: name, reason: result.reason, err: error }, 'readiness check down');
    if (result.status === 'up' && previous === 'down') this.logger.info({ check: name }, 'readiness check up again');
    return result;
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);
