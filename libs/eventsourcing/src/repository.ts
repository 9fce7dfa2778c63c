import { fold, type Decider, type DomainEvent } from './decider';
import { CompanionNotWrittenError, WrongExpectedRevisionError } from './errors';
import {
  NO_STREAM_REVISION,
  type AppendCompanion,
  type EventMetadata,
  type EventStore,
  type GlobalPosition,
  type NewEvent,
  type RecordedEvent,
} from './event-store';
import { newId } from './ids';

export interface HandleOptions {
  /** The revision the caller saw (HTTP If-Match). Without it a conflict is retried on fresh state. */
  expectedRevision?: number;
  metadata?: EventMetadata;
  /**
   * The stream most likely does not exist (a create with a fresh id): decide on the initial state and append
   * with `no_stream`, without reading it first. Should it exist after all, the append conflicts and the command
   * runs again the usual way (read, decide), so the decider still refuses a duplicate.
   */
  expectNew?: boolean;
  /**
   * The ids of the new events, by index, instead of fresh ones. Derived from work that must have its effect once (a
   * timer's id: `timerEventId` in @crm/timers), they make a second run append nothing: the store takes an append of
   * ids already in the stream as a retry that is done (PostgreSQL, in-memory; EventStoreDB only for an exact retry).
   */
  eventIds?: (index: number) => string;
}

export interface HandleResult<State, Event> {
  state: State;
  /** The new events (empty when the command changed nothing). */
  events: Event[];
  /** Stream revision after the command: the ETag. */
  revision: number;
  /** Global position of the last appended event, for read-your-writes waits; undefined when nothing was appended. */
  position?: GlobalPosition;
}

export interface RepositoryOptions<Event> {
  /** Turns stored events into current domain events (open personal data, upcast). Defaults to `{ type, data }`. */
  toDomainEvents?: (recorded: RecordedEvent[]) => Event[] | Promise<Event[]>;
  /**
   * Prepares new events for the store (validate against their contracts, stamp schema versions, seal personal data).
   * For a stream assumed new it may also give a write to commit with the append (a new key the events were sealed
   * with): should that write find its row already there, the command runs again the usual way.
   */
  toNewEvents?: (events: NewEvent[], context: PrepareContext) => PreparedEvents | Promise<PreparedEvents>;
  /** Attempts on a write conflict when the caller gave no expected revision. */
  conflictRetries?: number;
}

export interface PrepareContext {
  /** The id of the aggregate the events are about to be appended to. */
  aggregateId: string;
  /** The stream was not read: it is assumed not to exist (HandleOptions.expectNew). */
  streamAssumedNew: boolean;
}

/** Events ready for the store, and what must be written with them. */
export type PreparedEvents = NewEvent[] | { events: NewEvent[]; companion?: AppendCompanion };

/** A command, or how to build it from the aggregate's current state. */
export type CommandSource<State, Command> = Command | ((state: State) => Command | Promise<Command>);

/** Loads an aggregate from its stream, runs the decider, appends with the expected revision. */
export class AggregateRepository<State, Command, Event extends DomainEvent> {
  private readonly toDomainEvents: NonNullable<RepositoryOptions<Event>['toDomainEvents']>;
  private readonly toNewEvents: NonNullable<RepositoryOptions<Event>['toNewEvents']>;
  private readonly conflictRetries: number;

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<State, Command, Event>,
    private readonly streamName: (id: string) => string,
    options: RepositoryOptions<Event> = {},
  ) {
    this.toDomainEvents = options.toDomainEvents ?? ((recorded) => recorded.map(({ type, data }) => ({ type, data }) as Event));
    this.toNewEvents = options.toNewEvents ?? ((events) => events);
    this.conflictRetries = options.conflictRetries ?? 3;
  }

  async load(id: string, until?: Date): Promise<{ state: State; revision: number }> {
    const recorded = await this.store.readStream(this.streamName(id), { until });
    return {
      state: fold(this.decider, await this.toDomainEvents(recorded)),
      revision: recorded.length === 0 ? NO_STREAM_REVISION : recorded[recorded.length - 1].revision,
    };
  }

  /** Every event of the aggregate with what the store recorded about it (revision, time, metadata), oldest first. */
  async history(id: string): Promise<{ event: Event; recorded: RecordedEvent }[]> {
    const recorded = await this.store.readStream(this.streamName(id));
    const events = await this.toDomainEvents(recorded);
    return events.map((event, index) => ({ event, recorded: recorded[index] }));
  }

  /**
   * Loads, decides, appends. `command` may be built from the loaded state (e.g. values normalized in the
   * contact's country): it is then built again on fresh state when a conflict is retried.
   */
  async handle(
    id: string,
    command: CommandSource<State, Command>,
    options: HandleOptions = {},
  ): Promise<HandleResult<State, Event>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.handleOnce(id, command, options, options.expectNew === true && attempt === 0);
      } catch (error) {
        if (error instanceof NotNewAfterAll) continue;
        const mayRetry = options.expectedRevision === undefined && attempt < this.conflictRetries;
        if (!(error instanceof WrongExpectedRevisionError) || !mayRetry) throw error;
      }
    }
  }

  private async handleOnce(
    id: string,
    source: CommandSource<State, Command>,
    options: HandleOptions,
    assumeNew: boolean,
  ): Promise<HandleResult<State, Event>> {
    const streamName = this.streamName(id);
    const { state, revision } = assumeNew
      ? { state: this.decider.initialState, revision: NO_STREAM_REVISION }
      : await this.load(id);
    if (options.expectedRevision !== undefined && options.expectedRevision !== revision) {
      throw new WrongExpectedRevisionError(streamName, options.expectedRevision, revision);
    }
    // Commands are plain data, never functions: a function is a command still to be built from the state.
    const command = typeof source === 'function' ? await (source as (state: State) => Command | Promise<Command>)(state) : source;
    const events = this.decider.decide(command, state);
    if (events.length === 0) return { state, events, revision };
    const fresh = events.map((event, index) => ({
      id: options.eventIds?.(index) ?? newId(),
      type: event.type,
      data: event.data,
      metadata: { ...options.metadata },
    }));
    let prepared: PreparedEvents;
    try {
      prepared = await this.toNewEvents(fresh, { aggregateId: id, streamAssumedNew: assumeNew });
    } catch (error) {
      // The events were decided on a stream assumed new without reading it; preparing them (sealing a person's data)
      // can fail because it is not (an erased person's key is gone): decide again on the stream as it is.
      if (assumeNew) throw new NotNewAfterAll(error);
      throw error;
    }
    const { events: ready, companion } = Array.isArray(prepared) ? { events: prepared, companion: undefined } : prepared;
    let result;
    try {
      result = await this.store.append(streamName, ready, {
        expectedRevision: revision === NO_STREAM_REVISION ? 'no_stream' : revision,
        companion,
      });
    } catch (error) {
      // The companion found its row there (the person has a key, or had one and was erased): nothing was appended.
      if (assumeNew && error instanceof CompanionNotWrittenError) throw new NotNewAfterAll(error);
      throw error;
    }
    return {
      state: events.reduce(this.decider.evolve, state),
      events,
      revision: result.nextExpectedRevision,
      position: result.position,
    };
  }
}

/** A first attempt that assumed a new stream could not prepare its events: the next attempt reads the stream. */
class NotNewAfterAll extends Error {
  constructor(override readonly cause: unknown) {
    super('the stream assumed new may not be');
  }
}
