import { ActivityRecorded } from '../test/activity';
import { applyBatch } from './apply';
import { defineProjection } from './projection';
import type { ReadModelCollection } from './store';
import { decodedEvents } from './testing';

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
      handles: [ActivityRecorded],
      documentId: () => undefined,
      evolve: () => ({}),
    });
    const events = decodedEvents(projection, [
      { type: 'ActivityRecorded', data: { revision: 0 } },
      { type: 'ActivityRecorded', data: { revision: 1 } },
    ]);
    let fenceChecks = 0;
    const outcome = await applyBatch(projection, untouchable, events, {
      generation: 1,
      mayWrite: async () => (fenceChecks++, true),
    });
    expect(outcome).toEqual({ status: 'written', applied: 0, skipped: 0 });
    expect(fenceChecks).toBe(0);
  });
});
