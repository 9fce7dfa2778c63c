import { Counter, Gauge, register, type Metric } from 'prom-client';

/** On prom-client's default registry, like the messaging metrics; `once` survives a module loaded twice. */
function once<M extends Metric>(name: string, make: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? make();
}

export const projectionMetrics = {
  lagSeconds: once(
    'crm_projection_lag_seconds',
    () =>
      new Gauge({
        name: 'crm_projection_lag_seconds',
        help: 'Age of the last event a projection handled, when handled',
        labelNames: ['projection'],
      }),
  ),
  applied: once(
    'crm_projection_events_applied_total',
    () =>
      new Counter({
        name: 'crm_projection_events_applied_total',
        help: 'Events that changed a read model document',
        labelNames: ['projection'],
      }),
  ),
};
