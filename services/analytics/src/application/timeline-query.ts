import { RequestValidationError } from '@crm/platform';
import { normalizeTime } from '../domain/timeline';
import type { TimelineEntry } from '../domain/timeline';

/** What a timeline request may ask, already checked by the API (see TimelineQuery). */
export interface TimelineRequest {
  types?: readonly string[];
  channels?: readonly string[];
  categories?: readonly string[];
  /** RFC 3339, inclusive. */
  from?: string;
  /** RFC 3339, exclusive. */
  to?: string;
  limit: number;
  cursor?: string;
}

/** Where the previous page ended, in the timeline's order. */
export interface TimelinePosition {
  occurredAt: string;
  position: string;
  eventId: string;
}

/** Newest first; the store position breaks ties, the event id makes the order total. */
export const TIMELINE_ORDER = { occurredAt: -1, position: -1, _id: -1 } as const;

/**
 * The MongoDB filter of one page: the contacts' entries, the filters, and everything after the cursor. Every key is
 * ours and every value a checked string, so no operator can come from the request.
 */
export function timelineFilter(contactIds: readonly string[], request: TimelineRequest): Record<string, unknown> {
  const filter: Record<string, unknown> = { customerId: { $in: [...contactIds] } };
  if (request.types?.length) filter.type = { $in: [...request.types] };
  if (request.channels?.length) filter.channel = { $in: [...request.channels] };
  if (request.categories?.length) filter.category = { $in: [...request.categories] };
  const { from, to } = timeRange(request.from, request.to);
  if (from || to) filter.occurredAt = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
  if (request.cursor !== undefined) filter.$or = after(decodeCursor(request.cursor));
  return filter;
}

function timeRange(rawFrom?: string, rawTo?: string): { from?: string; to?: string } {
  const from = rawFrom === undefined ? undefined : normalizeTime(rawFrom);
  const to = rawTo === undefined ? undefined : normalizeTime(rawTo);
  if (from && to && from >= to) {
    throw new RequestValidationError([{ field: 'to', messages: ['to must be later than from'], in: 'query' }]);
  }
  return { from, to };
}

/** Keyset pagination, descending on every key. */
function after({ occurredAt, position, eventId }: TimelinePosition): Record<string, unknown>[] {
  return [
    { occurredAt: { $lt: occurredAt } },
    { occurredAt, position: { $lt: position } },
    { occurredAt, position, _id: { $lt: eventId } },
  ];
}

export function encodeCursor(entry: Pick<TimelineEntry, 'occurredAt' | 'position' | 'eventId'>): string {
  return Buffer.from(JSON.stringify([entry.occurredAt, entry.position, entry.eventId]), 'utf8').toString('base64url');
}

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const POSITION = /^\d{20}\.\d{20}$/;
const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The position a cursor names; a 400 problem for anything that is not a `next` of ours. */
export function decodeCursor(cursor: string): TimelinePosition {
  let decoded: unknown;
  try {
    decoded = /^[A-Za-z0-9_-]{1,512}$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    decoded = undefined;
  }
  if (Array.isArray(decoded) && decoded.length === 3) {
    const [occurredAt, position, eventId] = decoded as unknown[];
    if (typeof occurredAt === 'string' && typeof position === 'string' && typeof eventId === 'string') {
      if (ISO_MILLIS.test(occurredAt) && POSITION.test(position) && EVENT_ID.test(eventId))
        return { occurredAt, position, eventId };
    }
  }
  throw new RequestValidationError([
    { field: 'cursor', messages: ['cursor must be the `next` of a previous page'], in: 'query' },
  ]);
}
