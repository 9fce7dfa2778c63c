/**
 * The EventStore port. Adapters (PostgreSQL, EventStoreDB, in-memory) implement it
 * and must pass the shared contract suite in `testing/event-store.contract.ts`.
 */

/** Stream revisions start at 0; `NO_STREAM_REVISION` (-1) is the revision of a stream that does not exist. */
export const NO_STREAM_REVISION = -1;

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/**
 * A point in the global (all-streams) log, in commit order.
 * PostgreSQL: commit = transaction id (xid8), prepare = row position.
 * EventStoreDB: its own commit and prepare positions. In-memory: both the sequence number.
 * Ordered by commit, then prepare.
 */
export interface GlobalPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const START: GlobalPosition = Object.freeze({ commit: -1n, prepare: -1n });

export function comparePositions(a: GlobalPosition, b: GlobalPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Stable text form for checkpoints and headers: `<commit>/<prepare>`. */
export function formatPosition(p: GlobalPosition): string {
  return `${p.commit}/${p.prepare}`;
}

export function parsePosition(text: string): GlobalPosition {
  const match = /^(-?\d+)\/(-?\d+)$/.exec(text);
  if (!match) throw new Error(`Not a global position: "${text}"`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

/** Who did it and why: carried from the HTTP request into every event and Kafka header. */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actor?: string;
  /** W3C trace context of the request that caused the event (when tracing is on), carried to its consumers. */
  traceparent?: string;
  tracestate?: string;
  /** Schema version of `data` (see libs/contracts). */
  schemaVersion?: number;
  [key: string]: unknown;
}

/** An event to append. `id` makes a retried append harmless; it is generated when absent. */
export interface NewEvent<Data = unknown> {
  id?: string;
  type: string;
  data: Data;
  metadata?: EventMetadata;
}

export interface RecordedEvent<Data = unknown> {
  id: string;
  streamName: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
  /** Revision of this event within its stream (0-based). */
  revision: number;
  position: GlobalPosition;
  /** When the store recorded it. */
  recordedAt: Date;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
  /** A write that must commit with the events or not at all (see AppendCompanion). */
  companion?: AppendCompanion;
}

/**
 * A write of another module that the events depend on, such as the new key their personal data was sealed with. The
 * events are appended only if the companion writes (when it finds its row already there, it does not): otherwise the
 * store appends nothing and throws CompanionNotWrittenError. A companion may be written and the append still fail on
 * its expected revision: it must be harmless on its own.
 */
export interface AppendCompanion {
  /** A PostgreSQL store runs this in the append's own statement (one round trip, one commit), as a CTE. */
  statement?: {
    /** Names the prepared statement: one name, one text. */
    name: string;
    /** One data-modifying statement with `RETURNING` that yields a row when it wrote; parameters `$1`, `$2`... */
    text: string;
    values: readonly unknown[];
  };
  /** Other stores (or a statement for another database) write it on its own before the append; whether it wrote. */
  write(): Promise<boolean>;
}

export interface AppendResult {
  /** Revision of the last event now in the stream: the next expected revision. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: GlobalPosition;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start: the lowest revision (forwards) or the highest (backwards). */
  fromRevision?: number;
  /** Inclusive bound: stop after this revision (forwards) or before it (backwards). */
  toRevision?: number;
  /** Only events recorded at or before this time (time travel). */
  until?: Date;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Defaults to the start. */
  after?: GlobalPosition;
  maxCount?: number;
}

export interface SubscribeOptions extends ReadAllOptions {
  /** Ends the subscription; the iterator then returns. */
  signal?: AbortSignal;
  /** Events fetched per read (polling adapters). */
  batchSize?: number;
}

/**
 * Tells a reader of the global log when there may be something new, so that it can wait instead of polling
 * on a short interval. A wake-up may be spurious; one that came while nobody waited is kept for the next wait.
 */
export interface AppendWatcher {
  /** Resolves once something was appended since the last wake-up (at once if it already was), after `timeoutMs`, or on abort. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface EventStore {
  append(streamName: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Events of one stream; an empty array when the stream does not exist. */
  readStream<Data = unknown>(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent<Data>[]>;
  /** Current revision of a stream, or NO_STREAM_REVISION. */
  streamRevision(streamName: string): Promise<number>;
  /** Events of all streams in commit order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Every event after `after`, then live ones as they commit, in commit order, never skipping one. */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** Optional: a watcher of appends (the PostgreSQL store has one; without it readers poll). */
  watchAppends?(): AppendWatcher;
  /** Lightweight probe for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
