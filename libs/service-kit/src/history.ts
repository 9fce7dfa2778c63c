import { isDeepStrictEqual } from 'node:util';
import { fold, type Decider, type DomainEvent, type RecordedEvent } from '@crm/eventsourcing';

/** One change of one field in an aggregate's history. */
export interface FieldChange {
  field: string;
  old?: unknown;
  new?: unknown;
}

/** One event of an aggregate's history: who, when, what changed. */
export interface HistoryEntry {
  revision: number;
  type: string;
  /** When the change was recorded. */
  at: string;
  /** Who made it (user or service id), when known. */
  actor?: string;
  changes: FieldChange[];
}

/** An event with what the store recorded about it (`AggregateRepository.history`). */
export interface RecordedChange<Event> {
  event: Event;
  recorded: Pick<RecordedEvent, 'revision' | 'recordedAt' | 'metadata'>;
}

/**
 * The fields of a state its history compares: each of its own but `updatedAt`, which every change moves; none for a
 * state that is nothing yet (`{ status: 'none' }`, a decider's initial state).
 */
export function ownFields(state: unknown): Record<string, unknown> {
  if (typeof state !== 'object' || state === null || (state as { status?: unknown }).status === 'none') return {};
  const { updatedAt: _, ...fields } = state as Record<string, unknown>;
  return fields;
}

/** Values compare by content (a structured clone drops class prototypes and `undefined` fields alike). */
const sameValue = (a: unknown, b: unknown): boolean => isDeepStrictEqual(structuredClone(a), structuredClone(b));

function diff(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields
    .filter((field) => !sameValue(before[field], after[field]))
    .map((field) => ({
      field,
      ...(before[field] === undefined ? {} : { old: before[field] }),
      ...(after[field] === undefined ? {} : { new: after[field] }),
    }));
}

/**
 * Every change of an aggregate, as `GET /v1/<things>/{id}/history` shows it: each event with when it was recorded,
 * who made it, and the fields of the state it changed (old and new values), by folding the decider's `evolve`.
 * `fieldsOf` says which fields of a state count (by default `ownFields`).
 */
export function historyOf<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  entries: readonly RecordedChange<Event>[],
  fieldsOf: (state: State) => Record<string, unknown> = ownFields,
): HistoryEntry[] {
  let state = decider.initialState;
  return entries.map(({ event, recorded }) => {
    const next = fold({ initialState: state, evolve: decider.evolve }, [event]);
    const entry: HistoryEntry = {
      revision: recorded.revision,
      type: event.type,
      at: recorded.recordedAt.toISOString(),
      ...(recorded.metadata.actor ? { actor: recorded.metadata.actor } : {}),
      changes: diff(fieldsOf(state), fieldsOf(next)),
    };
    state = next;
    return entry;
  });
}
