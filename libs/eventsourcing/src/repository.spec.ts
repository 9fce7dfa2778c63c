import { InMemoryEventStore } from './adapters/in-memory.event-store';
import type { Decider } from './decider';
import { WrongExpectedRevisionError } from './errors';
import { AggregateRepository } from './repository';

type CounterEvent = { type: 'Added'; data: { by: number } };
type Counter = { total: number };
const counter: Decider<Counter, { add: number }, CounterEvent> = {
  initialState: { total: 0 },
  decide: ({ add }) => (add === 0 ? [] : [{ type: 'Added', data: { by: add } }]),
  evolve: (state, event) => ({ total: state.total + event.data.by }),
};

describe('AggregateRepository', () => {
  const setup = () => {
    const store = new InMemoryEventStore();
    return { store, repository: new AggregateRepository(store, counter, (id) => `counter-${id}`) };
  };

  it('loads, decides and appends with the revision it loaded', async () => {
    const { store, repository } = setup();
    await repository.handle('a', { add: 2 });
    const result = await repository.handle('a', { add: 3 }, { metadata: { actor: 'user-1' } });
    expect(result).toMatchObject({ state: { total: 5 }, revision: 1, events: [{ type: 'Added', data: { by: 3 } }] });
    const stored = await store.readStream('counter-a');
    expect(stored.map((e) => e.metadata.actor)).toEqual([undefined, 'user-1']);
  });

  it('appends nothing when the decider decides nothing', async () => {
    const { store, repository } = setup();
    await repository.handle('a', { add: 1 });
    const result = await repository.handle('a', { add: 0 });
    expect(result).toMatchObject({ events: [], revision: 0 });
    expect(result.position).toBeUndefined();
    expect(await store.streamRevision('counter-a')).toBe(0);
  });

  it('refuses a stale expected revision (If-Match) without writing', async () => {
    const { store, repository } = setup();
    await repository.handle('a', { add: 1 });
    await repository.handle('a', { add: 1 });
    await expect(repository.handle('a', { add: 1 }, { expectedRevision: 0 })).rejects.toThrow(WrongExpectedRevisionError);
    expect(await store.streamRevision('counter-a')).toBe(1);
  });

  it('builds a command from the loaded state, and again from fresh state after a conflict', async () => {
    const { repository } = setup();
    await repository.handle('a', { add: 1 });
    const seen: number[] = [];
    // Two writers double whatever total they see: the loser of the race rebuilds its command on the new total.
    const double = (state: Counter) => {
      seen.push(state.total);
      return { add: state.total };
    };
    await Promise.all([repository.handle('a', double), repository.handle('a', double)]);
    expect((await repository.load('a')).state.total).toBe(4);
    expect(seen).toEqual([1, 1, 2]);
  });

  it('retries on a concurrent write when the caller expected no revision, losing no update', async () => {
    const { repository } = setup();
    // Three writers race; each conflict is retried on fresh state (up to 3 attempts by default).
    await Promise.all(Array.from({ length: 3 }, () => repository.handle('a', { add: 1 })));
    expect((await repository.load('a')).state.total).toBe(3);
  });

  it('appends with the event ids it is given, so that a second run of the same work appends nothing', async () => {
    const { store, repository } = setup();
    const onceOnly = { eventIds: (index: number) => ['0f9e6a52-3c1b-5d7e-8f00-1a2b3c4d5e6f'][index] };
    await repository.handle('a', { add: 2 }, onceOnly);
    await repository.handle('a', { add: 2 }, onceOnly); // a decider that does not remember: the store does
    const stored = await store.readStream('counter-a');
    expect(stored.map((event) => event.id)).toEqual(['0f9e6a52-3c1b-5d7e-8f00-1a2b3c4d5e6f']);
    expect((await repository.load('a')).state.total).toBe(2);
  });

  it('appends a create without reading the stream when told it is new, and reads it when it was not', async () => {
    const { store, repository } = setup();
    const reads = jest.spyOn(store, 'readStream');
    const created = await repository.handle('a', { add: 2 }, { expectNew: true });
    expect(created).toMatchObject({ state: { total: 2 }, revision: 0 });
    expect(reads).not.toHaveBeenCalled();
    // Not new after all: the append conflicts, and the command runs on the stream as it is.
    const again = await repository.handle('a', { add: 3 }, { expectNew: true });
    expect(again).toMatchObject({ state: { total: 5 }, revision: 1 });
    expect(reads).toHaveBeenCalled();
  });

  it('reads a stream told new when preparing its events fails, and decides on what is there (an erased person)', async () => {
    class Erased extends Error {}
    const decider: Decider<Counter, { add: number }, CounterEvent> = {
      ...counter,
      decide: (command, state) => {
        if (state.total > 0) throw new Error('exists already');
        return counter.decide(command, state);
      },
    };
    const store = new InMemoryEventStore();
    let sealing = true;
    const repository = new AggregateRepository(store, decider, (id) => `counter-${id}`, {
      toNewEvents: (events) => {
        if (!sealing) throw new Erased(); // the stream's subject was erased after it was written
        return events;
      },
    });
    await repository.handle('a', { add: 1 });
    sealing = false;
    await expect(repository.handle('a', { add: 1 }, { expectNew: true })).rejects.toThrow('exists already');
    await expect(repository.handle('b', { add: 1 }, { expectNew: true })).rejects.toThrow(Erased);
  });

  it('prepares new events for the store through toNewEvents', async () => {
    const store = new InMemoryEventStore();
    const repository = new AggregateRepository(store, counter, (id) => `counter-${id}`, {
      toNewEvents: async (events) => events.map((event) => ({ ...event, metadata: { ...event.metadata, schemaVersion: 3 } })),
    });
    await repository.handle('a', { add: 1 });
    expect((await store.readStream('counter-a'))[0].metadata.schemaVersion).toBe(3);
  });
});
