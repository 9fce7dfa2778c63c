import { Closed, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';

/** The schema of an event that says only which contact and when. */
export function contactMomentSchema(contact: string, at: string) {
  return Closed({ contactId: Uuid({ description: contact }), at: UtcTimestamp({ description: at }) });
}

export const ContactArchived = defineEvent({
  service: 'contacts',
  name: 'ContactArchived',
  version: 1,
  description: 'A contact was archived: hidden from lists and searches, its history kept.',
  customerIdField: 'contactId',
  timeline: { category: 'profile', title: 'Contact archived' },
  schema: contactMomentSchema('The archived contact.', 'When the contact was archived.'),
  example: { contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', at: '2025-06-30T17:00:00.000Z' },
});
export type ContactArchivedData = DataOf<typeof ContactArchived>;
