import { defineProjection } from '@crm/projections';
import { timelineEntryOf, type TimelineEntry } from '../../domain/timeline';
import { customerEvents, presentationOf } from './customer-events';

/**
 * Every event about a customer, one document per event (`_id` = event id), personal data kept sealed as it arrived:
 * many records per customer could not all be found and dropped on an erasure, so they are opened when read and open as
 * null once the key is gone (ADR 0007). Entries stay under the contact id they name; merges are resolved when
 * reading. An event of a type this build does not know is dead-lettered rather than silently missing.
 */
export const timelineProjection = defineProjection<TimelineEntry>({
  name: 'timeline',
  collection: 'timeline',
  handles: customerEvents,
  unknownEvents: 'dead-letter',
  documentId: (event) => event.id,
  evolve: (_entry, event) => timelineEntryOf(event, event.subject!, presentationOf(event.type).category),
  indexes: [{ fields: { customerId: 1, occurredAt: -1, position: -1, _id: -1 } }],
});
