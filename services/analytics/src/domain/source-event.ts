import { crmContracts, customerIdOf, type ContactsEvent } from '@crm/contracts';

/** What analytics reads of a consumed CloudEvent (a ConsumedEvent of @crm/messaging fits it). */
export interface SourceEvent {
  id: string;
  /** The CloudEvents type: `crm.contacts.InteractionLogged`. */
  type: string;
  /** When the producing store recorded it. */
  time: string;
  dataVersion: number;
  data: unknown;
  actor?: string;
  correlationId?: string;
  /** Position in the producing service's event store. */
  position: { readonly commit: bigint; readonly prepare: bigint };
}

/** The event name of a CloudEvents type (`crm.contacts.ContactCreated` → `ContactCreated`); throws for an unknown type. */
export const eventNameOf = (event: Pick<SourceEvent, 'type'>): string => crmContracts.get(event.type).name;

/**
 * The customer (contact id) an event concerns, read through its contract; undefined for events about no customer
 * (companies, custom fields). Personal data may be sealed: ids never are. Throws for a type or version the
 * contracts do not know, which dead-letters the event.
 */
export function customerOf(event: Pick<SourceEvent, 'type' | 'dataVersion' | 'data'>): string | undefined {
  return customerIdOf(crmContracts.get(event.type, event.dataVersion), event.data);
}

/** A document id for events of the given names: the string in their `field`; undefined for any other event. */
export function idFieldOf(
  names: readonly string[],
  field: string,
): (event: Pick<SourceEvent, 'type' | 'data'>) => string | undefined {
  return (event) => {
    if (!names.includes(crmContracts.find(event.type)?.name ?? '')) return undefined;
    const id = (event.data as Record<string, unknown> | null)?.[field];
    return typeof id === 'string' ? id : undefined;
  };
}

/** The event as the contract's current version (upcast), checked unless its personal data was erased. */
export function decodeEvent(event: Pick<SourceEvent, 'type' | 'dataVersion' | 'data'>): ContactsEvent {
  const { name } = crmContracts.get(event.type);
  return { type: name, data: crmContracts.decode(name, event.dataVersion, event.data) } as ContactsEvent;
}

/**
 * When it happened for the customer: an interaction's `occurredAt`, else the event's `at`, else when it was
 * recorded. Normalized to `toISOString()` (milliseconds, `Z`) so that stored times compare as strings.
 */
export function occurredAtOf(event: Pick<SourceEvent, 'time' | 'data'>): string {
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
  for (const candidate of [data.occurredAt, data.at, event.time]) {
    const normalized = normalizeTime(candidate);
    if (normalized) return normalized;
  }
  return event.time;
}

export function normalizeTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

const POSITION_DIGITS = 20; // a uint64 in decimal

/** The store position as a string that sorts like the position (`<commit>.<prepare>`, zero-padded): the tiebreaker. */
export function positionKey(position: SourceEvent['position']): string {
  const part = (value: bigint) => (value < 0n ? 0n : value).toString().padStart(POSITION_DIGITS, '0');
  return `${part(position.commit)}.${part(position.prepare)}`;
}

/** MongoDB would store an undefined field as null: leave such fields out instead. */
