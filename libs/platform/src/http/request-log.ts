import type { Logger } from 'pino';
import { Summary } from 'prom-client';
import { resumeCorrelation, type CapturedCorrelation } from '../context/correlation';

/** What is logged of one request: never bodies, query strings or headers. */
export interface RequestLine {
  method: string;
  path: string;
  /** The route template (`/v1/contacts/:id`), as metrics label it. */
  route: string;
  status: number;
  durationMs: number;
  /** The client went away before the response was finished. */
  aborted?: boolean;
}

/** Probes and scrapes run every few seconds: not worth a line, nor a place in the summary. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

export const REQUEST_SUMMARY_INTERVAL_MS = 60_000;

/**
 * The request log. A seed or an import sends thousands of requests: each successful one is a line at debug only;
 * what deserves attention is a line at info (4xx, aborted) or error (5xx). Once a minute (and at shutdown) one info
 * line sums the period up: how many requests, by status, and the median and 99th percentile of their durations.
 */
export class RequestLog {
  private durations = durationsOfPeriod();
  private statuses: Record<string, number> = {};
  private count = 0;
  private periodStart: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly options: { intervalMs?: number; now?: () => number } = {},
  ) {
    this.periodStart = this.now();
  }

  /** `context`: the request's, for the line's correlation id and actor, when this is called outside it. */
  record(line: RequestLine, context?: CapturedCorrelation): void {
    const quiet = QUIET_ROUTES.has(line.route);
    const level = line.status >= 500 ? 'error' : !quiet && (line.status >= 400 || line.aborted) ? 'info' : 'debug';
    // Most lines are debug, off in production: the context is resumed only for a line that is written.
    if (this.logger.isLevelEnabled(level)) resumeCorrelation(context, () => this.logger[level](line, 'request completed'));
    if (quiet) return;
    this.count += 1;
    this.statuses[line.status] = (this.statuses[line.status] ?? 0) + 1;
    this.durations.observe(line.durationMs);
  }

  /** Logs the summary of the period since the last one, when it had requests, and starts a new period. */
  async summarize(): Promise<void> {
    const end = this.now();
    const periodMs = end - this.periodStart;
    this.periodStart = end;
    if (this.count === 0) return;
    // The period's figures are taken at once: requests that end meanwhile count in the next one.
    const { count: requests, statuses, durations } = this;
    this.count = 0;
    this.statuses = {};
    this.durations = durationsOfPeriod();
    const quantiles = (await durations.get()).values;
    const quantile = (q: number) => round(quantiles.find((value) => value.labels.quantile === q)?.value ?? 0);
    this.logger.info({ requests, statuses, p50Ms: quantile(0.5), p99Ms: quantile(0.99), periodMs }, 'requests summary');
  }

  /** A summary every interval (default a minute); the timer does not keep the process alive. */
  start(): void {
    this.timer ??= setInterval(() => void this.summarize(), this.options.intervalMs ?? REQUEST_SUMMARY_INTERVAL_MS).unref();
  }

  /** Stops the timer, after a last summary of the requests since the previous one. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.summarize();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** prom-client's summary (a t-digest) as a calculator of percentiles, in no registry: /metrics has the histogram. */
const durationsOfPeriod = () =>
  new Summary({ name: 'request_log_duration_ms', help: 'durations of one period', percentiles: [0.5, 0.99], registers: [] });
