import { Counter, Gauge, Histogram, register, type Metric } from 'prom-client';

/** Metrics live on prom-client's default registry, which the platform serves at /metrics. */
function once<M extends Metric>(name: string, make: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? make();
}

export const relayMetrics = {
  published: once(
    'crm_relay_events_published_total',
    () =>
      new Counter({
        name: 'crm_relay_events_published_total',
        help: 'Events the relay published to Kafka',
        labelNames: ['relay'],
      }),
  ),
  lagSeconds: once(
    'crm_relay_lag_seconds',
    () =>
      new Gauge({
        name: 'crm_relay_lag_seconds',
        help: 'Age of the newest event the relay published, at publish time',
        labelNames: ['relay'],
      }),
  ),
};

export const consumerMetrics = {
  handled: once(
    'crm_consumer_events_handled_total',
    () =>
      new Counter({
        name: 'crm_consumer_events_handled_total',
        help: 'Events handled by consumers',
        labelNames: ['group', 'outcome'],
      }),
  ),
  lagSeconds: once(
    'crm_consumer_lag_seconds',
    () =>
      new Gauge({ name: 'crm_consumer_lag_seconds', help: 'Age of the last event a consumer handled', labelNames: ['group'] }),
  ),
  offsetLag: once(
    'crm_consumer_offset_lag',
    () =>
      new Gauge({
        name: 'crm_consumer_offset_lag',
        help: 'Messages behind the partition end after the last batch',
        labelNames: ['group', 'topic', 'partition'],
      }),
  ),
  handleSeconds: once(
    'crm_consumer_handle_seconds',
    () => new Histogram({ name: 'crm_consumer_handle_seconds', help: 'Time to handle a batch of events', labelNames: ['group'] }),
  ),
};
