import { CompanionNotWrittenError, DuplicateEventIdError } from '../errors';
import {
  NO_STREAM_REVISION,
  START,
  comparePositions,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '../event-store';
import { assertExpectedRevision } from '../expected-revision';
import { newId } from '../ids';
import { selectStreamEvents } from '../read-stream';
import { pollAll } from '../subscription';

/** For unit tests and the contract suite; keeps everything in process memory. */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async append(streamName: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const stream = this.streams.get(streamName) ?? [];
    const retried = this.retriedAppend(streamName, events);
    if (retried) return retried;
    if (options.companion && !(await options.companion.write())) throw new CompanionNotWrittenError(streamName);
    const current = stream.length - 1;
    assertExpectedRevision(streamName, options.expectedRevision ?? 'any', current);
    if (events.length === 0) return { nextExpectedRevision: current, position: stream.at(-1)?.position ?? START };

    const recordedAt = this.now();
    const recorded = events.map((event, index): RecordedEvent => {
      const sequence = BigInt(this.log.length + index);
      return {
        id: event.id ?? newId(),
        streamName,
        type: event.type,
        data: structuredClone(event.data),
        metadata: structuredClone(event.metadata ?? {}),
        revision: current + 1 + index,
        position: { commit: sequence, prepare: sequence },
        recordedAt,
      };
    });
    for (const event of recorded) {
      this.log.push(event);
      this.byId.set(event.id, event);
    }
    this.streams.set(streamName, [...stream, ...recorded]);
    const last = recorded[recorded.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  /** A retry of an append that already happened returns its first result. */
  private retriedAppend(streamName: string, events: readonly NewEvent[]): AppendResult | undefined {
    const found = events.map((event) => (event.id ? this.byId.get(event.id) : undefined));
    if (found.every((event) => event === undefined)) return undefined;
    const first = found[0];
    const isSameAppend =
      first !== undefined &&
      found.every((event, index) => event?.streamName === streamName && event.revision === first.revision + index);
    if (!isSameAppend) throw new DuplicateEventIdError(events.flatMap((e, i) => (found[i] ? [e.id as string] : [])));
    const last = found[found.length - 1] as RecordedEvent;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  async readStream<Data>(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent<Data>[]> {
    const stream = (this.streams.get(streamName) ?? []) as RecordedEvent<Data>[];
    return selectStreamEvents(stream, options).map(copy);
  }

  async streamRevision(streamName: string): Promise<number> {
    const stream = this.streams.get(streamName);
    return stream ? stream.length - 1 : NO_STREAM_REVISION;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const from = this.log.findIndex((event) => comparePositions(event.position, after) > 0);
    if (from < 0) return [];
    return this.log.slice(from, from + (options.maxCount ?? 1000)).map(copy);
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    return pollAll((after: GlobalPosition, maxCount: number) => this.readAll({ after, maxCount }), {
      ...options,
      idleDelayMs: 5,
    });
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

/** Readers get copies, so a caller mutating an event cannot change the log. */
function copy<E extends RecordedEvent<unknown>>(event: E): E {
  return {
    ...event,
    data: structuredClone(event.data),
    metadata: structuredClone(event.metadata),
    position: { ...event.position },
  };
}
