import { getOrCreateCounter, getOrCreateGauge, getOrCreateHistogram } from '@crm/platform';

export const relayMetrics = {
  published: getOrCreateCounter('crm_relay_events_published_total', 'Events the relay published to Kafka', ['relay']),
  lagSeconds: getOrCreateGauge('crm_relay_lag_seconds', 'Age of the newest event the relay published, at publish time', [
    'relay',
  ]),
};

export const consumerMetrics = {
  handled: getOrCreateCounter('crm_consumer_events_handled_total', 'Events handled by consumers, by outcome', [
    'group',
    'outcome',
  ]),
  lagSeconds: getOrCreateGauge('crm_consumer_lag_seconds', 'Age of the last event a consumer handled', ['group']),
  offsetLag: getOrCreateGauge('crm_consumer_offset_lag', 'Messages behind the partition end after the last batch', [
    'group',
    'topic',
    'partition',
  ]),
  handleSeconds: getOrCreateHistogram('crm_consumer_handle_seconds', 'Time to handle a batch of events', ['group']),
};
