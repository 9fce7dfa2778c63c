import { randomBytes } from 'node:crypto';
import { getOrCreateCounter, getOrCreateGauge, getOrCreateHistogram, metricsRegistry } from './metrics';

const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

describe('metrics helpers', () => {
  it('return the same metric for the same name, on the shared registry', async () => {
    const name = uniqueName('crm_test_events_appended_total');
    const first = getOrCreateCounter(name, 'events appended', ['stream_type']);
    const second = getOrCreateCounter(name, 'events appended', ['stream_type']);
    expect(second).toBe(first);
    first.inc({ stream_type: 'contact' }, 2);
    second.inc({ stream_type: 'contact' });
    expect(await metricsRegistry.getSingleMetricAsString(name)).toContain(`${name}{stream_type="contact"} 3`);
  });

  it('create gauges and histograms with the given buckets', async () => {
    const gauge = getOrCreateGauge(uniqueName('crm_test_projection_lag_seconds'), 'lag', ['projection']);
    gauge.set({ projection: 'timeline' }, 4);
    expect(getOrCreateGauge(gauge['name' as never], 'lag', ['projection'])).toBe(gauge);
    const name = uniqueName('crm_test_handle_seconds');
    getOrCreateHistogram(name, 'handling', [], [0.1, 1]).observe(0.5);
    const text = await metricsRegistry.getSingleMetricAsString(name);
    expect(text).toContain(`${name}_bucket{le="0.1"} 0`);
    expect(text).toContain(`${name}_bucket{le="1"} 1`);
  });

  it('refuse a name already used by another kind of metric', () => {
    const name = uniqueName('crm_test_clash');
    getOrCreateCounter(name, 'a counter');
    expect(() => getOrCreateGauge(name, 'a gauge')).toThrow(/another kind/);
  });
});
