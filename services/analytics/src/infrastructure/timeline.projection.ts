import { defineProjection } from '@crm/projections';
import { customerOf } from '../domain/source-event';
import { checkTimelineEvent, timelineEntryOf, type TimelineEntry } from '../domain/timeline';

export const TIMELINE_COLLECTION = 'timeline';

/**
 * Every event about a customer, one document per event (`_id` = event id), personal data kept sealed as it arrived:
 * many records per customer could not all be found and dropped on an erasure, so they are opened when read and
 * open as null once the key is gone (ADR 0007). Entries stay under the contact id they name; merges are resolved
 * when reading.
 */
export const timelineProjection = (topics: readonly string[]) =>
  defineProjection<TimelineEntry>({
    name: 'timeline',
    collection: TIMELINE_COLLECTION,
    topics,
    documentId: (event) => (customerOf(event) === undefined ? undefined : event.id),
    evolve: (_entry, event) => timelineEntryOf(event) ?? null,
    // Checked against its contract on an opened copy: a contract-breaking event is dead-lettered, not shown.
    checkOpened: checkTimelineEvent,
    indexes: [{ fields: { customerId: 1, occurredAt: -1, position: -1, _id: -1 }, options: { name: 'by_customer_newest' } }],
  });
