import { getOrCreateCounter, getOrCreateGauge } from '@crm/platform';

export const projectionMetrics = {
  lagSeconds: getOrCreateGauge('crm_projection_lag_seconds', 'Age of the last event a projection handled, when handled', [
    'projection',
  ]),
  applied: getOrCreateCounter('crm_projection_events_applied_total', 'Events that changed a read model document', ['projection']),
};
