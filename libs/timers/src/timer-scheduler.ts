import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PostgresNotificationWatcher } from '@crm/postgres';
import { timerMetrics } from './metrics';
import { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './retry-delay';
import type { DueTimer, PostgresTimerStore } from './timer-store';

/**
 * Runs a due timer. It may run more than once (a retry after a failure, or after the crash of the scheduler that
 * ran it): its effect must be idempotent by the timer id, e.g. an event appended with `timerEventId(timer.id)`.
 * `signal` aborts when the scheduler stops or loses its claim on the timer: stop early if you can.
 */
export type TimerHandler<Payload = unknown> = (timer: DueTimer<Payload>, context: { signal: AbortSignal }) => Promise<void>;

export interface TimerLogger {
  error(message: string, context?: Record<string, unknown>): void;
}

export interface TimerSchedulerOptions {
  store: PostgresTimerStore;
  /** The handler of each kind; a scheduler claims only the kinds it has a handler for. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler names its own payload
  handlers: Readonly<Record<string, TimerHandler<any>>>;
  /** The longest wait between looks for due timers; a timer scheduled sooner (by any replica) wakes it. Default 1 s. */
  pollIntervalMs?: number;
  /** Timers claimed at once, and the most run at once. Default 20. */
  batchSize?: number;
  /** How long a claim holds; it is renewed while the handler runs, and another scheduler takes over once it lapses. Default 30 s. */
  leaseMs?: number;
  retry?: RetryPolicy;
  /** Who claims, as recorded in the table (made unique per scheduler). Default the host name and process id. */
  name?: string;
  logger?: TimerLogger;
}

interface Running {
  done: Promise<void>;
  /** Aborted when the claim is lost (taken over, or not renewed in time). */
  lost: AbortController;
  /** Local time until which the claim surely holds: its lease measured from before it was granted or last renewed. */
  heldUntil: number;
}

const silent: TimerLogger = { error: () => undefined };

/**
 * Fires due timers: claims them in batches (FOR UPDATE SKIP LOCKED, with a lease), runs the handler of each one's
 * kind, marks it fired; a failed run is recorded and retried with backoff; the claims of a crashed scheduler lapse
 * and another takes them over. Delivery is at least once (a crash between the handler's effect and marking the timer
 * fired runs it again); the effect happens once because the handler's write is idempotent by the timer id.
 */
export class TimerScheduler {
  /** The claimant's name in the table: unique, so that a restarted process never takes its predecessor's claims for its own. */
  readonly owner: string;
  private readonly kinds: string[];
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly retry: RetryPolicy;
  private readonly logger: TimerLogger;
  private readonly running = new Map<string, Running>();
  private stopController = new AbortController();
  private loop?: Promise<void>;
  /** Aborted when a run ends and frees a place: ends the wait that follows the look for due timers (made anew at each look). */
  private placeFreed = new AbortController();

  constructor(private readonly options: TimerSchedulerOptions) {
    this.owner = `${options.name ?? `${hostname()}:${process.pid}`}:${randomUUID().slice(0, 8)}`;
    this.kinds = Object.keys(options.handlers);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 20;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.logger = options.logger ?? silent;
  }

  start(): void {
    if (this.loop) return;
    this.stopController = new AbortController();
    this.loop = this.run(this.stopController.signal);
  }

  /** Stops claiming, aborts the handlers' signals and waits for the runs in flight to end and be recorded. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
    this.loop = undefined;
  }

  private async run(stopped: AbortSignal): Promise<void> {
    const schedules = this.options.store.watchSchedules(this.pollIntervalMs);
    const renewals = setInterval(() => void this.renewClaims(), Math.max(1, Math.floor(this.leaseMs / 3)));
    try {
      while (!stopped.aborted) {
        try {
          this.placeFreed = new AbortController();
          const places = this.batchSize - this.running.size;
          const claimed = places > 0 ? await this.claim(places, stopped) : 0;
          timerMetrics.overdueSeconds.set(await this.options.store.overdueSeconds());
          // A full claim means more may be due: look again as soon as there is room.
          if (claimed === places && this.running.size < this.batchSize) continue;
          await this.waitForWork(AbortSignal.any([stopped, this.placeFreed.signal]), schedules);
        } catch (error) {
          this.logger.error('The timer scheduler could not look for due timers; retrying', {
            owner: this.owner,
            error: String(error),
          });
          await schedules.next(this.pollIntervalMs, stopped);
        }
      }
    } finally {
      await Promise.all([...this.running.values()].map(({ done }) => done));
      clearInterval(renewals);
      await schedules.close();
    }
  }

  private async claim(places: number, stopped: AbortSignal): Promise<number> {
    const claimedAt = Date.now();
    const due = await this.options.store.claimDue(this.owner, this.kinds, places, this.leaseMs);
    for (const timer of due) {
      const lost = new AbortController();
      const done = this.fire(timer, AbortSignal.any([stopped, lost.signal])).finally(() => {
        this.running.delete(timer.id);
        this.placeFreed.abort();
      });
      this.running.set(timer.id, { done, lost, heldUntil: claimedAt + this.leaseMs });
    }
    return due.length;
  }

  /**
   * Waits until a timer may be due: the poll interval at most, less if the next timer is due sooner; a timer
   * scheduled meanwhile (by any replica), or `interrupted` (stopping, or a run that ended and freed a place) end it earlier.
   */
  private async waitForWork(interrupted: AbortSignal, schedules: PostgresNotificationWatcher): Promise<void> {
    const next = this.running.size < this.batchSize ? await this.options.store.msUntilNextAttempt(this.kinds) : undefined;
    await schedules.next(Math.min(this.pollIntervalMs, next ?? Infinity), interrupted);
  }

  private async fire(timer: DueTimer, signal: AbortSignal): Promise<void> {
    const handler = this.options.handlers[timer.kind];
    try {
      await handler(timer, { signal });
    } catch (error) {
      timerMetrics.failed.inc({ kind: timer.kind });
      const delay = retryDelayMs(timer.attempt, this.retry);
      this.logger.error('A timer failed; it runs again later', {
        timerId: timer.id,
        kind: timer.kind,
        attempt: timer.attempt,
        retryInMs: delay,
        error: describe(error),
      });
      await this.record(timer, () => this.options.store.markFailed(this.owner, timer.id, describe(error), delay));
      return;
    }
    if (await this.record(timer, () => this.options.store.markFired(this.owner, timer.id))) {
      timerMetrics.fired.inc({ kind: timer.kind });
    }
  }

  /** Records a run's outcome. If that fails (the database is away), the claim lapses and the timer runs again: harmless. */
  private async record(timer: DueTimer, write: () => Promise<boolean>): Promise<boolean> {
    try {
      return await write();
    } catch (error) {
      this.logger.error('Could not record the run of a timer; it will run again', { timerId: timer.id, error: String(error) });
      return false;
    }
  }

  /** Extends the claims of the timers in flight; a claim that was taken over or ran out aborts its handler's signal. */
  private async renewClaims(): Promise<void> {
    const renewedAt = Date.now();
    for (const [id, running] of this.running) {
      if (renewedAt >= running.heldUntil) running.lost.abort(new Error(`The claim on timer ${id} ran out`));
    }
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    try {
      const held = await this.options.store.renewClaims(this.owner, ids, this.leaseMs);
      for (const id of ids) {
        const running = this.running.get(id);
        if (!running) continue;
        if (held.has(id)) running.heldUntil = renewedAt + this.leaseMs;
        else running.lost.abort(new Error(`The claim on timer ${id} was lost`));
      }
    } catch (error) {
      // Tried again at the next renewal; a claim that runs out meanwhile is aborted then.
      this.logger.error('Could not renew the claims on running timers', { owner: this.owner, error: String(error) });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
