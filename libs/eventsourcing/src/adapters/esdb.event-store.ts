import * as esdb from '@eventstore/db-client';
import { validate as isUuid } from 'uuid';
import { CompanionNotWrittenError, WrongExpectedRevisionError } from '../errors';
import {
  NO_STREAM_REVISION,
  START,
  comparePositions,
  type AppendOptions,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type GlobalPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '../event-store';
import { assertExpectedRevision } from '../expected-revision';
import { newId } from '../ids';

export interface EsdbEventStoreOptions {
  /** `esdb://`, `esdb+discover://` or `kurrentdb://` connection string; or pass a `client` the caller owns. */
  connectionString?: string;
  client?: esdb.EventStoreDBClient;
  /** How long `ping` waits for the server. */
  pingTimeoutMs?: number;
}

const DEFAULT_READ_ALL_COUNT = 1000;
/** $all pages stay this large however few events are wanted: the server's own events can outnumber ours. */
const MIN_READ_ALL_PAGE = 100;
/** Log positions are signed 64-bit on the server; a larger value is -1 ("none") sent as unsigned. */
const MAX_LOG_POSITION = 2n ** 63n - 1n;

/**
 * Event store on EventStoreDB / KurrentDB (22.10 or later: stream reads must carry positions).
 * The server gives optimistic concurrency, per-stream idempotency on event ids and a gapless $all
 * in commit order, so this adapter mostly translates. Limits of the server: a retried append is
 * deduplicated for sure only with an exact expected revision (with `any`, while the server still
 * remembers the ids), and an event id reused in another stream is not refused (no index of ids).
 */
export class EsdbEventStore implements EventStore {
  readonly client: esdb.EventStoreDBClient;
  private readonly ownsClient: boolean;
  private readonly pingTimeoutMs: number;

  constructor(options: EsdbEventStoreOptions) {
    this.ownsClient = !options.client;
    this.client = options.client ?? connect(options.connectionString);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5000;
  }

  async append(streamName: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) return this.appendNothing(streamName, expected);
    // Another database: written first, on its own (harmless should the append then fail).
    if (options.companion && !(await options.companion.write())) throw new CompanionNotWrittenError(streamName);
    let result: esdb.AppendResult;
    try {
      result = await this.client.appendToStream(streamName, events.map(toEventData), {
        expectedRevision: toClientExpectedRevision(expected),
      });
    } catch (error) {
      if (error instanceof esdb.WrongExpectedVersionError) {
        throw new WrongExpectedRevisionError(streamName, expected, fromClientRevision(error.actualVersion));
      }
      throw error;
    }
    // With `throwOnAppendFailure=false` in the connection string the client resolves instead of throwing.
    if (!result.success) throw new WrongExpectedRevisionError(streamName, expected, await this.streamRevision(streamName));
    const nextExpectedRevision = Number(result.nextExpectedRevision);
    const position = appendedPosition(result.position) ?? (await this.lastEvent(streamName, nextExpectedRevision))?.position;
    return { nextExpectedRevision, position: position ?? START };
  }

  /** Nothing to write, but the expectation is still checked, as the other adapters do. */
  private async appendNothing(streamName: string, expected: ExpectedRevision): Promise<AppendResult> {
    const last = await this.lastEvent(streamName);
    const current = last?.revision ?? NO_STREAM_REVISION;
    assertExpectedRevision(streamName, expected, current);
    return { nextExpectedRevision: current, position: last?.position ?? START };
  }

  async readStream<Data>(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent<Data>[]> {
    const request = toClientReadStreamOptions(options);
    if (!request) return [];
    const wanted = options.maxCount ?? Infinity;
    const events: RecordedEvent<Data>[] = [];
    try {
      for await (const { event } of drain(this.client.readStream(streamName, request))) {
        if (!event) continue;
        const recorded = fromClientEvent<Data>(event);
        const verdict = streamReadVerdict(recorded, options);
        if (verdict === 'stop') break;
        if (verdict === 'take') events.push(recorded);
        if (events.length >= wanted) break;
      }
    } catch (error) {
      if (error instanceof esdb.StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async streamRevision(streamName: string): Promise<number> {
    return (await this.lastEvent(streamName))?.revision ?? NO_STREAM_REVISION;
  }

  /** The event at `revision`, or the last one; undefined when the stream does not exist. */
  private async lastEvent(streamName: string, revision?: number): Promise<RecordedEvent | undefined> {
    const [event] = await this.readStream(streamName, { direction: 'backwards', fromRevision: revision, maxCount: 1 });
    return event;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const wanted = options.maxCount ?? DEFAULT_READ_ALL_COUNT;
    const events: RecordedEvent[] = [];
    let after = options.after ?? START;
    // $all also holds the server's own events: read on until `wanted` of ours or the end of the log,
    // so that a page of system events never looks like "caught up".
    // One more than needed: reading from a position includes the event at that position.
    const pageSize = Math.max(wanted, MIN_READ_ALL_PAGE) + 1;
    let atEnd = false;
    while (!atEnd && events.length < wanted) {
      let received = 0;
      for await (const { event } of drain(this.client.readAll({ fromPosition: toClientPosition(after), maxCount: pageSize }))) {
        received++;
        if (!event || comparePositions(event.position, after) <= 0) continue;
        after = fromClientPosition(event.position);
        if (!isSystemEvent(event)) events.push(fromClientEvent(event));
        if (events.length === wanted) break;
      }
      atEnd = received < pageSize;
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    return this.follow(options.after ?? START, options.signal);
  }

  /** The server's catch-up subscription: history, then live events, in commit order, until `signal` aborts. */
  private async *follow(after: GlobalPosition, signal?: AbortSignal): AsyncGenerator<RecordedEvent> {
    if (signal?.aborted) return;
    const subscription = this.client.subscribeToAll({
      fromPosition: toClientPosition(after),
      filter: esdb.excludeSystemEvents(),
    });
    const unsubscribe = () => subscription.unsubscribe().catch(() => undefined); // the call may never have started
    // Cancelling the call ends the stream; destroying it too makes sure the loop below wakes up.
    const stop = () => void unsubscribe().then(() => subscription.destroy());
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const { event } of subscription) {
        if (signal?.aborted) return;
        // Events in `$` streams pass the server's event-type filter; the start position may be included.
        if (!event || isSystemEvent(event) || comparePositions(event.position, after) <= 0) continue;
        yield fromClientEvent(event);
      }
    } catch (error) {
      if (!signal?.aborted) throw error; // a destroyed stream ends its iterator with a premature-close error
    } finally {
      signal?.removeEventListener('abort', stop);
      await unsubscribe();
    }
  }

  async ping(): Promise<void> {
    // Reads ignore the client's deadline option, so the wait is bounded here.
    const probe = this.client.readAll({ direction: esdb.BACKWARDS, fromPosition: esdb.END, maxCount: 1 });
    const timer = setTimeout(
      () => probe.destroy(new Error(`EventStoreDB did not answer a read within ${this.pingTimeoutMs} ms`)),
      this.pingTimeoutMs,
    );
    try {
      for await (const _ of drain(probe)) break;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.dispose();
  }
}

/** Iterates a client read; when the consumer stops early, cancels the server-side call as well. */
async function* drain<E>(read: esdb.StreamingRead<E>): AsyncGenerator<E> {
  try {
    yield* read;
  } finally {
    if (!read.readableEnded) await read.cancel().catch(() => undefined); // the call may never have started
  }
}

function connect(connectionString: string | undefined): esdb.EventStoreDBClient {
  if (!connectionString) throw new Error('EsdbEventStore needs a connectionString or a client');
  return esdb.EventStoreDBClient.connectionString(toClientConnectionString(connectionString));
}

/** This client predates the `kurrentdb://` scheme that KurrentDB documents; the URL is otherwise the same. */
export function toClientConnectionString(url: string): string {
  return url.replace(/^(?:kurrentdb|kdb)(\+discover)?:\/\//, 'esdb$1://');
}

export function toClientExpectedRevision(expected: ExpectedRevision): esdb.AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return esdb.ANY;
    case 'no_stream':
      return esdb.NO_STREAM;
    case 'stream_exists':
      return esdb.STREAM_EXISTS;
    default:
      if (expected === NO_STREAM_REVISION) return esdb.NO_STREAM;
      if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`Invalid expected revision: ${expected}`);
      return BigInt(expected);
  }
}

export function fromClientRevision(revision: esdb.CurrentRevision): number {
  return revision === esdb.NO_STREAM ? NO_STREAM_REVISION : Number(revision);
}

/** Our START means "before everything"; the client has a marker for that. */
export function toClientPosition(position: GlobalPosition): esdb.ReadPosition {
  return position.commit < 0n ? esdb.START : { commit: position.commit, prepare: position.prepare };
}

export function fromClientPosition(position: esdb.Position): GlobalPosition {
  return { commit: position.commit, prepare: position.prepare };
}

/**
 * The position of the last appended event, from an append result. An event appended over gRPC is
 * its own commit, so its $all position has commit == prepare. Some server versions report the first
 * event's prepare position here, or none at all on an idempotent retry: only the commit part is used,
 * and undefined means "read it back".
 */
export function appendedPosition(position: esdb.Position | undefined): GlobalPosition | undefined {
  if (!position || position.commit < 0n || position.commit > MAX_LOG_POSITION) return undefined;
  return { commit: position.commit, prepare: position.commit };
}

/** The server's own events: `$`-prefixed types (`$>` links, `$metadata`, stats) and `$` streams. */
export function isSystemEvent(event: { type: string; streamId: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

export function toEventData(event: NewEvent): esdb.EventData {
  const id = event.id ?? newId();
  // Checked here: a malformed id would fail the client's shared batch-append call for every writer.
  if (!isUuid(id)) throw new TypeError(`Event id "${id}" is not a UUID, which EventStoreDB requires`);
  // Any JSON value works: the client only JSON.stringifies `data` and `metadata`.
  return esdb.jsonEvent({ id, type: event.type, data: event.data as esdb.JSONType, metadata: event.metadata });
}

export function fromClientEvent<Data = unknown>(event: esdb.RecordedEvent): RecordedEvent<Data> {
  return {
    id: event.id,
    streamName: event.streamId,
    type: event.type,
    data: event.data as Data,
    metadata: toMetadata(event.metadata),
    revision: Number(event.revision),
    // Servers before 22.6 leave stream reads without positions.
    position: event.position ? fromClientPosition(event.position) : START,
    recordedAt: event.created,
  };
}

/** Metadata written by other tools may be binary or not an object; ours is always a JSON object. */
function toMetadata(metadata: unknown): EventMetadata {
  const isObject = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) && !ArrayBuffer.isView(metadata);
  return isObject ? (metadata as EventMetadata) : {};
}

/** The server-side part of a stream read; undefined when no event can match. */
export function toClientReadStreamOptions(options: ReadStreamOptions): esdb.ReadStreamOptions | undefined {
  const backwards = options.direction === 'backwards';
  const maxCount = serverMaxCount(options);
  if (maxCount <= 0) return undefined;
  return {
    direction: backwards ? esdb.BACKWARDS : esdb.FORWARDS,
    fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? esdb.END : esdb.START,
    maxCount: Number.isFinite(maxCount) ? maxCount : undefined, // undefined: the client's "all"
  };
}

/** How many events the server need send at most; `streamReadVerdict` applies the exact bounds. */
function serverMaxCount({ direction, fromRevision, toRevision, until, maxCount }: ReadStreamOptions): number {
  const backwards = direction === 'backwards';
  let span = Infinity;
  if (toRevision !== undefined && !backwards) span = toRevision - (fromRevision ?? 0) + 1;
  if (toRevision !== undefined && backwards && fromRevision !== undefined) span = fromRevision - toRevision + 1;
  // Backwards, events newer than `until` are skipped, so they must not use up the server's count.
  const count = backwards && until ? Infinity : (maxCount ?? Infinity);
  return Math.min(span, count);
}

/** Whether an event of a stream read is wanted, skipped, or ends the read (everything after it is out of range). */
export function streamReadVerdict(
  event: Pick<RecordedEvent, 'revision' | 'recordedAt'>,
  { direction, toRevision, until }: ReadStreamOptions,
): 'take' | 'skip' | 'stop' {
  const afterUntil = until !== undefined && event.recordedAt > until;
  if (direction === 'backwards') {
    if (toRevision !== undefined && event.revision < toRevision) return 'stop';
    return afterUntil ? 'skip' : 'take'; // older events follow
  }
  if (toRevision !== undefined && event.revision > toRevision) return 'stop';
  return afterUntil ? 'stop' : 'take'; // later events are newer still
}
