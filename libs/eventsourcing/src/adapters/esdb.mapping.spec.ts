import { Readable } from 'node:stream';
import * as esdb from '@eventstore/db-client';
import { validate as isUuid } from 'uuid';
import { WrongExpectedRevisionError } from '../errors';
import { START } from '../event-store';
import { newId } from '../ids';
import {
  EsdbEventStore,
  appendedPosition,
  fromClientEvent,
  fromClientRevision,
  isSystemEvent,
  streamReadVerdict,
  toClientConnectionString,
  toClientExpectedRevision,
  toClientPosition,
  toClientReadStreamOptions,
  toEventData,
} from './esdb.event-store';

/** A recorded event as the client hands it out (JSON content, position from $all). */
function clientEvent(streamId: string, revision: number, type: string, commit: bigint, created = new Date(1000)) {
  return {
    streamId,
    id: newId(),
    revision: BigInt(revision),
    type,
    created,
    data: { revision },
    metadata: undefined,
    isJson: true,
    position: { commit, prepare: commit },
  } as esdb.AllStreamRecordedEvent;
}

describe('EventStoreDB mapping', () => {
  it('maps expected revisions to the client', () => {
    expect(toClientExpectedRevision('any')).toBe(esdb.ANY);
    expect(toClientExpectedRevision('no_stream')).toBe(esdb.NO_STREAM);
    expect(toClientExpectedRevision('stream_exists')).toBe(esdb.STREAM_EXISTS);
    expect(toClientExpectedRevision(0)).toBe(0n);
    expect(toClientExpectedRevision(41)).toBe(41n);
    expect(toClientExpectedRevision(-1)).toBe(esdb.NO_STREAM);
    for (const invalid of [-2, 1.5, Number.NaN]) expect(() => toClientExpectedRevision(invalid)).toThrow(RangeError);
  });

  it('maps the actual revision of a conflict back, -1 for no stream', () => {
    expect(fromClientRevision(esdb.NO_STREAM)).toBe(-1);
    expect(fromClientRevision(7n)).toBe(7);
  });

  it('maps positions both ways, START to the client marker', () => {
    expect(toClientPosition(START)).toBe(esdb.START);
    expect(toClientPosition({ commit: 10n, prepare: 5n })).toEqual({ commit: 10n, prepare: 5n });
  });

  it('takes the position of the last appended event from the commit part of an append result', () => {
    expect(appendedPosition({ commit: 900n, prepare: 400n })).toEqual({ commit: 900n, prepare: 900n });
    expect(appendedPosition(undefined)).toBeUndefined();
    expect(appendedPosition({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n })).toBeUndefined(); // -1 sent unsigned
  });

  it('recognises the server’s own events by type or stream', () => {
    expect(isSystemEvent({ type: '$>', streamId: '$ce-contact' })).toBe(true);
    expect(isSystemEvent({ type: '$metadata', streamId: '$$contact-1' })).toBe(true);
    expect(isSystemEvent({ type: 'Stats', streamId: '$stats-127.0.0.1:2113' })).toBe(true);
    expect(isSystemEvent({ type: 'ContactCreated', streamId: 'contact-1' })).toBe(false);
  });

  it('turns a new event into JSON event data, keeping or making a UUID', () => {
    const id = newId();
    expect(toEventData({ id, type: 'ContactCreated', data: { name: 'Ada' }, metadata: { actor: 'u-1' } })).toEqual({
      id,
      contentType: 'application/json',
      type: 'ContactCreated',
      data: { name: 'Ada' },
      metadata: { actor: 'u-1' },
    });
    expect(isUuid(toEventData({ type: 'T', data: 1 }).id)).toBe(true);
    expect(() => toEventData({ id: 'order-42', type: 'T', data: {} })).toThrow(/not a UUID/);
  });

  it('turns a client recorded event into ours', () => {
    const created = new Date('2026-01-02T03:04:05.678Z');
    const event = { ...clientEvent('contact-1', 3, 'ContactRenamed', 1234n, created), metadata: { correlationId: 'c-1' } };
    expect(fromClientEvent(event)).toEqual({
      id: event.id,
      streamName: 'contact-1',
      type: 'ContactRenamed',
      data: { revision: 3 },
      metadata: { correlationId: 'c-1' },
      revision: 3,
      position: { commit: 1234n, prepare: 1234n },
      recordedAt: created,
    });
  });

  it('gives every event object metadata and a position, whatever was stored', () => {
    const event = clientEvent('contact-1', 0, 'T', 1n);
    expect(fromClientEvent({ ...event, metadata: undefined }).metadata).toEqual({});
    expect(fromClientEvent({ ...event, metadata: new Uint8Array([1, 2]) } as esdb.RecordedEvent).metadata).toEqual({});
    expect(fromClientEvent({ ...event, metadata: ['a'] }).metadata).toEqual({});
    expect(fromClientEvent({ ...event, position: undefined } as esdb.RecordedEvent).position).toEqual(START);
  });

  it('accepts KurrentDB connection strings', () => {
    expect(toClientConnectionString('kurrentdb://db:2113?tls=false')).toBe('esdb://db:2113?tls=false');
    expect(toClientConnectionString('kurrentdb+discover://a:2113,b:2113')).toBe('esdb+discover://a:2113,b:2113');
    expect(toClientConnectionString('esdb://db:2113')).toBe('esdb://db:2113');
  });

  describe('stream reads', () => {
    it('asks the server for no more than the range and count can use', () => {
      expect(toClientReadStreamOptions({})).toEqual({ direction: esdb.FORWARDS, fromRevision: esdb.START, maxCount: undefined });
      expect(toClientReadStreamOptions({ direction: 'backwards' })).toMatchObject({ fromRevision: esdb.END });
      expect(toClientReadStreamOptions({ fromRevision: 2, toRevision: 5 })).toMatchObject({ fromRevision: 2n, maxCount: 4 });
      expect(toClientReadStreamOptions({ direction: 'backwards', fromRevision: 7, maxCount: 3 })).toMatchObject({ maxCount: 3 });
      // Backwards, events newer than `until` are skipped and must not use up the count.
      expect(toClientReadStreamOptions({ direction: 'backwards', maxCount: 1, until: new Date() })).toMatchObject({
        maxCount: undefined,
      });
      expect(toClientReadStreamOptions({ fromRevision: 5, toRevision: 4 })).toBeUndefined();
      expect(toClientReadStreamOptions({ maxCount: 0 })).toBeUndefined();
    });

    it('stops once past `until` or `toRevision`, and skips newer events when reading backwards', () => {
      const until = new Date(2000);
      const early = { revision: 4, recordedAt: new Date(1000) };
      const late = { revision: 5, recordedAt: new Date(3000) };
      expect(streamReadVerdict(early, { until })).toBe('take');
      expect(streamReadVerdict(late, { until })).toBe('stop');
      expect(streamReadVerdict(late, { direction: 'backwards', until })).toBe('skip');
      expect(streamReadVerdict(late, { toRevision: 4 })).toBe('stop');
      expect(streamReadVerdict(early, { direction: 'backwards', toRevision: 5 })).toBe('stop');
    });
  });
});

/** Just enough of the client to run the adapter's own logic: reads behave as the server's do. */
class ClientDouble {
  readonly all: esdb.AllStreamRecordedEvent[] = [];
  cancelled = 0;
  appendResult: () => Promise<esdb.AppendResult> = async () => ({ success: true, nextExpectedRevision: 0n });

  readAll({ fromPosition = esdb.START, maxCount = Number.MAX_SAFE_INTEGER }: esdb.ReadAllOptions = {}) {
    // Reading from a position includes the event at it.
    const from = fromPosition === esdb.START ? -1n : (fromPosition as esdb.Position).commit;
    const page = this.all.filter((e) => e.position.commit >= from).slice(0, Number(maxCount));
    return this.read(page.map((event) => ({ event })));
  }

  readStream(streamName: string, { direction = esdb.FORWARDS }: esdb.ReadStreamOptions = {}) {
    const stream = this.all.filter((e) => e.streamId === streamName);
    if (stream.length === 0) {
      return this.read([], new esdb.StreamNotFoundError(undefined, streamName));
    }
    return this.read((direction === esdb.BACKWARDS ? stream.reverse() : stream).map((event) => ({ event })));
  }

  appendToStream() {
    return this.appendResult();
  }

  private read<E>(items: E[], error?: Error) {
    const read = Readable.from(error ? failing(error) : items) as Readable & { cancel(): Promise<void> };
    read.cancel = async () => void this.cancelled++;
    return read;
  }
}

async function* failing(error: Error): AsyncGenerator<never> {
  throw error;
}

describe('EsdbEventStore over a client double', () => {
  let client: ClientDouble;
  let store: EsdbEventStore;
  beforeEach(() => {
    client = new ClientDouble();
    store = new EsdbEventStore({ client: client as unknown as esdb.EventStoreDBClient });
  });

  it('reads $all after a position, paging past the server’s own events', async () => {
    client.all.push(
      clientEvent('contact-1', 0, 'A', 10n),
      clientEvent('contact-1', 1, 'B', 20n),
      ...Array.from({ length: 150 }, (_, n) => clientEvent('$ce-contact', n, '$>', BigInt(30 + n))), // more than a page
      clientEvent('contact-2', 0, 'C', 1000n),
    );
    expect((await store.readAll({ maxCount: 1 })).map((e) => e.type)).toEqual(['A']);
    const rest = await store.readAll({ after: { commit: 10n, prepare: 10n }, maxCount: 2 });
    expect(rest.map((e) => e.type)).toEqual(['B', 'C']);
    expect(await store.readAll({ after: rest[1].position })).toEqual([]);
  });

  it('reads a stream up to a point in time, cancelling the rest of the read', async () => {
    client.all.push(...[1000, 2000, 3000].map((ms, n) => clientEvent('contact-1', n, 'T', BigInt(n), new Date(ms))));
    const until = new Date(2500);
    expect((await store.readStream('contact-1', { until })).map((e) => e.revision)).toEqual([0, 1]);
    expect(client.cancelled).toBe(1);
    const backwards = await store.readStream('contact-1', { direction: 'backwards', until, maxCount: 1 });
    expect(backwards.map((e) => e.revision)).toEqual([1]);
  });

  it('reads a missing stream as empty, at revision -1', async () => {
    expect(await store.readStream('contact-404')).toEqual([]);
    expect(await store.streamRevision('contact-404')).toBe(-1);
  });

  it('maps a wrong expected version to our error, with -1 for no stream', async () => {
    client.appendResult = () =>
      Promise.reject(new esdb.WrongExpectedVersionError(undefined, { streamName: 's', expected: 2n, current: esdb.NO_STREAM }));
    await expect(store.append('s', [{ type: 'T', data: {} }], { expectedRevision: 2 })).rejects.toEqual(
      new WrongExpectedRevisionError('s', 2, -1),
    );
  });

  it('answers an append with the last event’s position, reading it back when the server gives none', async () => {
    client.appendResult = async () => ({ success: true, nextExpectedRevision: 1n, position: { commit: 80n, prepare: 70n } });
    expect(await store.append('contact-1', [{ type: 'T', data: {} }])).toEqual({
      nextExpectedRevision: 1,
      position: { commit: 80n, prepare: 80n },
    });
    client.all.push(clientEvent('contact-1', 0, 'T', 90n));
    client.appendResult = async () => ({ success: true, nextExpectedRevision: 0n });
    expect(await store.append('contact-1', [{ type: 'T', data: {} }])).toEqual({
      nextExpectedRevision: 0,
      position: { commit: 90n, prepare: 90n },
    });
  });
});
