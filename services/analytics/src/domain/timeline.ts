import type { DecodedEvent } from '@crm/messaging';

/** One event in a customer's timeline, stored with its personal data sealed as it arrived (ADR 0007). */
export interface TimelineEntry {
  eventId: string;
  /** The contact the event names (kept under it even when that contact is later merged: resolved when read). */
  customerId: string;
  /** The event name: `InteractionLogged`. */
  type: string;
  /** The producing service. */
  source: string;
  /** As its contract presents it: `interaction`, `profile`... */
  category: string;
  /** Interactions only: `email`, `phone-call`, ... */
  channel?: string;
  direction?: string;
  occurredAt: string;
  recordedAt: string;
  actor?: string;
  correlationId?: string;
  /** The store position, for ties in `occurredAt` (see positionKey). */
  position: string;
  dataVersion: number;
  data: unknown;
}

/**
 * The timeline entry of an event about a customer. Its data is kept sealed, in the version it arrived in: many
 * records per customer could not all be found and dropped on an erasure, so they are opened when read and open as
 * null once the key is gone. Channel and direction (an interaction's) are not personal data.
 */
export function timelineEntryOf(event: DecodedEvent, customerId: string, category: string): TimelineEntry {
  const data = fieldsOf(event.data);
  // Interactions only: a consent's `channel` is not how the customer was in touch.
  const text = (value: unknown) => (category === 'interaction' && typeof value === 'string' ? value : undefined);
  return {
    eventId: event.id,
    customerId,
    type: event.type,
    source: event.service,
    category,
    channel: text(data.channel),
    direction: text(data.direction),
    occurredAt: occurredAtOf(event),
    recordedAt: event.time,
    actor: event.actor,
    correlationId: event.correlationId,
    position: positionKey(event.position),
    dataVersion: event.sealed.version,
    data: event.sealed.data,
  };
}

/**
 * When it happened for the customer: an interaction's `occurredAt`, else the event's `at`, else when it was
 * recorded. Normalized to `toISOString()` (milliseconds, `Z`) so that stored times compare as strings.
 */
export function occurredAtOf(event: { time: string; data: unknown }): string {
  const data = fieldsOf(event.data);
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
export function positionKey(position: { readonly commit: bigint; readonly prepare: bigint }): string {
  const part = (value: bigint) => (value < 0n ? 0n : value).toString().padStart(POSITION_DIGITS, '0');
  return `${part(position.commit)}.${part(position.prepare)}`;
}

const fieldsOf = (data: unknown): Record<string, unknown> =>
  typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
