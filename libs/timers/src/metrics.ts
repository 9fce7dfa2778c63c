import { getOrCreateCounter, getOrCreateGauge } from '@crm/platform';

export const timerMetrics = {
  fired: getOrCreateCounter('crm_timers_fired_total', 'Timers whose handler succeeded and that were marked fired', ['kind']),
  failed: getOrCreateCounter('crm_timers_failed_total', 'Timer handler runs that failed (retried later)', ['kind']),
  overdueSeconds: getOrCreateGauge(
    'crm_timers_overdue_seconds',
    'How long the oldest timer that is due has waited without being fired (0 when none is overdue)',
  ),
};
