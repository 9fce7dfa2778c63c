import { collectDefaultMetrics, Counter, Gauge, Histogram, register, type Metric, type Registry } from 'prom-client';

/**
 * The one registry every lib and service defines its metrics on, served at GET /metrics.
 * It is prom-client's default registry, which libs/messaging already uses.
 */
export const metricsRegistry: Registry = register;

/** Seconds; from 5 ms to 10 s, the range of HTTP handlers and message handlers. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any metric class
function getOrCreate<M extends Metric>(kind: abstract new (...args: any[]) => M, name: string, create: () => M): M {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (!(existing instanceof kind)) throw new Error(`Metric "${name}" already exists as another kind of metric`);
  return existing;
}

/** Idempotent: the same name returns the same counter (tests build many app instances). */
export function getOrCreateCounter<L extends string = string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Counter<L> {
  return getOrCreate(Counter, name, () => new Counter({ name, help, labelNames, registers: [metricsRegistry] })) as Counter<L>;
}

export function getOrCreateGauge<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return getOrCreate(Gauge, name, () => new Gauge({ name, help, labelNames, registers: [metricsRegistry] })) as Gauge<L>;
}

export function getOrCreateHistogram<L extends string = string>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  buckets: readonly number[] = LATENCY_BUCKETS,
): Histogram<L> {
  return getOrCreate(
    Histogram,
    name,
    () => new Histogram({ name, help, labelNames, buckets: [...buckets], registers: [metricsRegistry] }),
  ) as Histogram<L>;
}

/** Process metrics (CPU, memory, event loop lag, GC), registered once per process. */
export function enableDefaultMetrics(): void {
  if (metricsRegistry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    collectDefaultMetrics({ register: metricsRegistry });
  }
}

/** Request metrics, labelled by route template (never the raw path: ids would explode the series). */
export const httpMetrics = {
  requests: () => getOrCreateCounter('crm_http_requests_total', 'HTTP requests handled', ['method', 'route', 'status']),
  duration: () =>
    getOrCreateHistogram('crm_http_request_duration_seconds', 'HTTP request latency, until the response is finished', [
      'method',
      'route',
      'status',
    ]),
};
