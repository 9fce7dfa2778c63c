import { CompanionNotWrittenError, DuplicateEventIdError, WrongExpectedRevisionError } from '../errors';
import {
  START,
  comparePositions,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
} from '../event-store';
import { newId } from '../ids';

export interface ContractSubject {
  store: EventStore;
  /**
   * Where the adapter can have a transaction commit after a later one (PostgreSQL): starts a
   * transaction that writes `event` to `streamName` and stays open until `commit()` is called.
   */
  beginLateCommit?: (streamName: string, event: NewEvent) => Promise<{ commit(): Promise<void> }>;
  /** False where the store only deduplicates event ids within a stream (EventStoreDB). */
  eventIdsUniqueAcrossStreams?: boolean;
  teardown?: () => Promise<void>;
}

const event = (type = 'Something', data: unknown = { n: 1 }): NewEvent => ({ id: newId(), type, data });
const uniqueStream = (prefix = 'test') => `${prefix}-${newId()}`;

/** Subscribes and returns the first `count` events of `streamName` (failing after 20 s). */
async function take(store: EventStore, options: SubscribeOptions, streamName: string, count: number): Promise<RecordedEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 20000);
  const seen: RecordedEvent[] = [];
  try {
    for await (const recorded of store.subscribeToAll({ ...options, signal: controller.signal })) {
      if (recorded.streamName === streamName) seen.push(recorded);
      if (seen.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return seen;
}

/**
 * The behaviour every EventStore adapter must show. Each adapter's test file calls this with a
 * factory; the suite runs the same tests against PostgreSQL, EventStoreDB and in-memory.
 */
export function describeEventStoreContract(adapterName: string, makeSubject: () => Promise<ContractSubject>): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let subject: ContractSubject;
    let store: EventStore;

    beforeAll(async () => {
      subject = await makeSubject();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.teardown?.();
    });

    describe('append with an expected revision', () => {
      it('creates a stream at revision 0 and appends after it', async () => {
        const stream = uniqueStream();
        const first = await store.append(stream, [event()], { expectedRevision: 'no_stream' });
        expect(first.nextExpectedRevision).toBe(0);
        const second = await store.append(stream, [event(), event()], { expectedRevision: 0 });
        expect(second.nextExpectedRevision).toBe(2);
        expect(comparePositions(second.position, first.position)).toBeGreaterThan(0);
        expect(await store.streamRevision(stream)).toBe(2);
      });

      it('rejects a stale exact revision and writes nothing', async () => {
        const stream = uniqueStream();
        await store.append(stream, [event(), event()], { expectedRevision: 'no_stream' });
        await expect(store.append(stream, [event()], { expectedRevision: 0 })).rejects.toThrow(WrongExpectedRevisionError);
        await expect(store.append(stream, [event()], { expectedRevision: 5 })).rejects.toThrow(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('honours no_stream, stream_exists and any', async () => {
        const stream = uniqueStream();
        await expect(store.append(stream, [event()], { expectedRevision: 'stream_exists' })).rejects.toThrow(
          WrongExpectedRevisionError,
        );
        await store.append(stream, [event()], { expectedRevision: 'no_stream' });
        await expect(store.append(stream, [event()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 0,
        });
        expect((await store.append(stream, [event()], { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(1);
        expect((await store.append(stream, [event()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(2);
        expect((await store.append(stream, [event()])).nextExpectedRevision).toBe(3);
      });

      it('treats a retried append (same event ids) as done, returning the first result', async () => {
        const stream = uniqueStream();
        const events = [event('A'), event('B')];
        const first = await store.append(stream, events, { expectedRevision: 'no_stream' });
        const retry = await store.append(stream, events, { expectedRevision: 'no_stream' });
        expect(retry).toEqual(first);
        const retryAny = await store.append(stream, events);
        expect(retryAny).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('appends with a companion only if the companion writes', async () => {
        const written = new Set<string>();
        // A companion without a statement (written on its own): every adapter takes it.
        const companion = (key: string) => ({ write: async () => !written.has(key) && (written.add(key), true) });
        const stream = uniqueStream();
        await store.append(stream, [event()], { expectedRevision: 'no_stream', companion: companion('k') });
        expect(written.has('k')).toBe(true);
        const other = uniqueStream();
        await expect(
          store.append(other, [event()], { expectedRevision: 'no_stream', companion: companion('k') }),
        ).rejects.toThrow(CompanionNotWrittenError);
        expect(await store.readStream(other)).toEqual([]);
      });

      it('refuses an event id already used in another stream', async () => {
        if (subject.eventIdsUniqueAcrossStreams === false) return;
        const reused = event();
        await store.append(uniqueStream(), [reused]);
        await expect(store.append(uniqueStream(), [reused])).rejects.toThrow(DuplicateEventIdError);
      });

      it('lets exactly one of 50 concurrent writers win each revision, losing nothing', async () => {
        const stream = uniqueStream('contended');
        const writers = Array.from({ length: 50 }, (_, writer) => writer);
        const winsPerRound: number[] = [];

        // One round: all 50 race for revision 0 with the same expectation.
        const race = await Promise.allSettled(
          writers.map((writer) => store.append(stream, [event('Written', { writer })], { expectedRevision: 'no_stream' })),
        );
        winsPerRound.push(race.filter((r) => r.status === 'fulfilled').length);
        const losers = race.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(losers.every((r) => r.reason instanceof WrongExpectedRevisionError)).toBe(true);

        // Then every writer retries on conflict with the revision it reads, until its event is in.
        const pending = new Set(writers.filter((_, index) => race[index].status === 'rejected'));
        await Promise.all(
          [...pending].map(async (writer) => {
            for (;;) {
              const revision = await store.streamRevision(stream);
              try {
                await store.append(stream, [event('Written', { writer })], { expectedRevision: revision });
                return;
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
              }
            }
          }),
        );

        expect(winsPerRound).toEqual([1]);
        const events = await store.readStream<{ writer: number }>(stream);
        expect(events.map((e) => e.revision)).toEqual(writers);
        expect(events.map((e) => e.data.writer).sort((a, b) => a - b)).toEqual(writers);
      });
    });

    describe('reading a stream', () => {
      let stream: string;
      let recorded: RecordedEvent[];
      beforeAll(async () => {
        stream = uniqueStream();
        await store.append(
          stream,
          Array.from({ length: 10 }, (_, n) => ({
            ...event('Numbered', { n, text: 'Zoë – 東京 🚀', nested: { list: [1, 'two', null] } }),
            metadata: { correlationId: 'corr-1', actor: 'user-1' },
          })),
        );
        recorded = await store.readStream(stream);
      });

      it('reads forwards with data and metadata intact', () => {
        expect(recorded.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(recorded[3]).toMatchObject({
          streamName: stream,
          type: 'Numbered',
          data: { n: 3, text: 'Zoë – 東京 🚀', nested: { list: [1, 'two', null] } },
          metadata: { correlationId: 'corr-1', actor: 'user-1' },
        });
        expect(recorded[3].recordedAt).toBeInstanceOf(Date);
      });

      it('reads a range forwards and backwards', async () => {
        const forwards = await store.readStream(stream, { fromRevision: 2, toRevision: 5 });
        expect(forwards.map((e) => e.revision)).toEqual([2, 3, 4, 5]);
        const backwards = await store.readStream(stream, { direction: 'backwards', fromRevision: 7, maxCount: 3 });
        expect(backwards.map((e) => e.revision)).toEqual([7, 6, 5]);
        const last = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
        expect(last.map((e) => e.revision)).toEqual([9]);
        const down = await store.readStream(stream, { direction: 'backwards', toRevision: 8 });
        expect(down.map((e) => e.revision)).toEqual([9, 8]);
      });

      it('reads up to a point in time', async () => {
        const cut = new Date(recorded[9].recordedAt.getTime() + 1);
        const later = uniqueStream();
        await store.append(later, [event()]);
        await new Promise((resolve) => setTimeout(resolve, 15));
        await store.append(later, [event()]);
        const secondAt = (await store.readStream(later))[1].recordedAt;
        const asOf = new Date(secondAt.getTime() - 10);
        expect((await store.readStream(later, { until: asOf })).map((e) => e.revision)).toEqual([0]);
        expect(await store.readStream(stream, { until: cut })).toHaveLength(10);
        expect(await store.readStream(stream, { until: new Date(0) })).toHaveLength(0);
      });

      it('returns nothing for a stream that does not exist', async () => {
        expect(await store.readStream(uniqueStream())).toEqual([]);
        expect(await store.streamRevision(uniqueStream())).toBe(-1);
      });
    });

    describe('reading and subscribing to all events', () => {
      it('reads in commit order, exclusive of the given position', async () => {
        const a = uniqueStream('a');
        const b = uniqueStream('b');
        const start = await store.append(a, [event('A0')]);
        await store.append(b, [event('B0'), event('B1')]);
        await store.append(a, [event('A1')]);
        const mine = (await readAllAfter(store, START)).filter((e) => e.streamName === a || e.streamName === b);
        expect(mine.map((e) => e.type)).toEqual(['A0', 'B0', 'B1', 'A1']);
        for (let i = 1; i < mine.length; i++) expect(comparePositions(mine[i].position, mine[i - 1].position)).toBeGreaterThan(0);
        const rest = (await readAllAfter(store, start.position)).filter((e) => e.streamName === a || e.streamName === b);
        expect(rest.map((e) => e.type)).toEqual(['B0', 'B1', 'A1']);
      });

      it('resuming a subscription from a position yields the rest exactly once', async () => {
        const stream = uniqueStream('resume');
        const { position: before } = await store.append(uniqueStream('marker'), [event()]);
        const ids: string[] = [];
        for (let i = 0; i < 30; i++) ids.push(...(await appendIds(store, stream, 3)));

        const firstPart = await take(store, { after: before, batchSize: 7 }, stream, 45);
        const rest = await take(store, { after: firstPart[44].position, batchSize: 11 }, stream, 45);
        expect([...firstPart, ...rest].map((e) => e.id)).toEqual(ids);
      });

      it('delivers events appended after the subscription started', async () => {
        const stream = uniqueStream('live');
        const { position } = await store.append(uniqueStream('marker'), [event()]);
        const received = take(store, { after: position }, stream, 5);
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push(...(await appendIds(store, stream, 1)));
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        expect((await received).map((e) => e.id)).toEqual(ids);
      });

      it('never lets a subscriber skip a transaction that commits late with a lower position', async () => {
        if (!subject.beginLateCommit) {
          // Adapters without interleaved transactions (in-memory, EventStoreDB) order by commit natively.
          expect(subject.beginLateCommit).toBeUndefined();
          return;
        }
        const { position } = await store.append(uniqueStream('marker'), [event()]);
        const lateStream = uniqueStream('late');
        const early = event('CommittedLate');
        const late = await subject.beginLateCommit(lateStream, early);
        const quick = event('CommittedFirst');
        await store.append(lateStream + '-quick', [quick]);

        const controller = new AbortController();
        const received: RecordedEvent[] = [];
        const subscription = (async () => {
          for await (const recorded of store.subscribeToAll({ after: position, signal: controller.signal })) {
            if (recorded.id === early.id || recorded.id === quick.id) received.push(recorded);
            if (received.length === 2) controller.abort();
          }
        })();
        await new Promise((resolve) => setTimeout(resolve, 300));
        // While the first transaction is open the later one must not be delivered past it.
        const deliveredWhileOpen = received.map((e) => e.id);
        await late.commit();
        expect(deliveredWhileOpen).not.toContain(quick.id);
        await withTimeout(subscription, 10000, controller);
        expect(received.map((e) => e.id).sort()).toEqual([early.id, quick.id].sort());
      });
    });
  });
}

async function appendIds(store: EventStore, stream: string, count: number): Promise<string[]> {
  const events = Array.from({ length: count }, () => event());
  await store.append(stream, events);
  return events.map((e) => e.id as string);
}

async function readAllAfter(store: EventStore, after = START): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (;;) {
    const batch = await store.readAll({ after, maxCount: 500 });
    if (batch.length === 0) return all;
    all.push(...batch);
    after = batch[batch.length - 1].position;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, controller: AbortController): Promise<T> {
  const timer = setTimeout(() => controller.abort(), ms);
  return promise.finally(() => clearTimeout(timer));
}
