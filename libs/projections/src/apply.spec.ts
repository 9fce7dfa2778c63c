import type { ConsumedEvent } from '@crm/messaging';
import { applyBatch } from './apply';
import { defineProjection } from './projection';
import type { ReadModelCollection } from './store';

const event: ConsumedEvent = {
  id: 'e-1',
  type: 'crm.contacts.InteractionLogged',
  source: '/contacts',
  time: '2025-01-01T00:00:00.000Z',
  dataVersion: 1,
  data: {},
  stream: 'interaction-1',
  revision: 0,
  position: { commit: 1n, prepare: 1n },
  topic: 't',
  partition: 0,
  offset: '0',
};

// Any use of the collection fails the test: a batch without the projection's events must not touch it.
const untouchable = new Proxy({} as ReadModelCollection, {
  get: (_, property) => {
    throw new Error(`collection.${String(property)} used`);
  },
});

describe('applyBatch', () => {
  it('reads, fences and writes nothing for a batch that holds none of the projection’s events', async () => {
    const projection = defineProjection({
      name: 'p',
      collection: 'c',
      topics: ['t'],
      documentId: () => undefined,
      evolve: () => ({}),
    });
    let fenceChecks = 0;
    const outcome = await applyBatch(projection, untouchable, [event, { ...event, id: 'e-2', offset: '1' }], {
      generation: 1,
      mayWrite: async () => (fenceChecks++, true),
    });
    expect(outcome).toEqual({ status: 'written', applied: 0, skipped: 0 });
    expect(fenceChecks).toBe(0);
  });
});
