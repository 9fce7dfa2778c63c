import { EventDecoder, type ConsumedEvent } from '@crm/messaging';
import { ActivityErased, ActivityRecorded, activityRegistry } from '../test/activity';
import { decodingFor } from './deps';
import { defineProjection } from './projection';

const event = (type: string, id: string, data: unknown = { revision: 0 }): ConsumedEvent => ({
  id,
  type,
  source: '/activity',
  time: '2025-01-01T00:00:00.000Z',
  dataVersion: 1,
  data,
  stream: 'contact-1',
  revision: 0,
  position: { commit: 1n, prepare: 1n },
  topic: 't',
  partition: 0,
  offset: id,
});

describe('decodingFor', () => {
  const opened: string[] = [];
  const decoder = new EventDecoder({
    registry: activityRegistry,
    cacheSize: 0,
    openPersonalData: async (events) => (opened.push(...events.map((e) => e.id)), events),
  });
  const recorded = defineProjection({
    name: 'p',
    collection: 'c',
    handles: [ActivityRecorded],
    documentId: () => 'x',
    evolve: () => ({}),
  });
  beforeEach(() => opened.splice(0));

  it('decodes the events the projection handles, in order, and passes over the others undecoded', async () => {
    const decoded = await decodingFor(recorded, { decoder })([
      event('crm.activity.ActivityRecorded', 'a'),
      event('crm.activity.ActivityErased', 'b'),
      event('crm.activity.ActivityRecorded', 'c', { revision: 2 }),
    ]);
    expect(decoded.map((e) => [e.id, e.type, e.data])).toEqual([
      ['a', 'ActivityRecorded', { revision: 0 }],
      ['c', 'ActivityRecorded', { revision: 2 }],
    ]);
    expect(opened).toEqual(['a', 'c']);
  });

  it('opens nothing for a batch with none of its events', async () => {
    expect(await decodingFor(recorded, { decoder })([event('crm.activity.ActivityErased', 'b')])).toEqual([]);
    expect(opened).toEqual([]);
  });

  it('passes over types this build does not know, unless the projection dead-letters them', async () => {
    const unknown = event('crm.activity.SomethingNew', 'n');
    expect(await decodingFor(recorded, { decoder })([unknown])).toEqual([]);
    const everything = defineProjection({
      ...recorded,
      handles: [ActivityRecorded, ActivityErased],
      unknownEvents: 'dead-letter',
    });
    await expect(decodingFor(everything, { decoder })([unknown])).rejects.toThrow(/SomethingNew/);
  });

  it('fails the batch on an event that breaks its contract (the consumer retries it, then dead-letters it)', async () => {
    await expect(
      decodingFor(recorded, { decoder })([event('crm.activity.ActivityRecorded', 'x', { revision: -1 })]),
    ).rejects.toThrow(/ActivityRecorded/);
  });
});
