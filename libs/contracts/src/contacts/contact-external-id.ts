import { Closed, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';

export const ContactExternalIdRecorded = defineEvent({
  service: 'contacts',
  name: 'ContactExternalIdRecorded',
  version: 1,
  description:
    'An import found an existing contact (by e-mail or phone) for a row with an external id (another system’s id of the ' +
    'person) not seen before: later imports find the contact by that id. Its stream is the external id’s own ' +
    '(`external-contact-id-<externalKey>`); the external id itself is not kept, only the key derived from it.',
  customerIdField: 'contactId',
  timeline: { category: 'profile', title: 'External id recorded' },
  schema: Closed({
    externalKey: Uuid({ description: 'The key derived from the external id (UUIDv5), the id of its stream.' }),
    contactId: Uuid({ description: 'The contact the external id stands for.' }),
    at: UtcTimestamp({ description: 'When it was recorded.' }),
  }),
  example: {
    externalKey: 'c62fd537-7b1a-5d1a-9d64-967c245a999d',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    at: '2025-02-01T10:00:00.000Z',
  },
});
export type ContactExternalIdRecordedData = DataOf<typeof ContactExternalIdRecorded>;
