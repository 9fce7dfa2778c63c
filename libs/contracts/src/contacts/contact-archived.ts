import { utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';

export interface ContactArchivedData {
  contactId: string;
  at: string;
}

export const ContactArchived = defineEvent<ContactArchivedData>({
  service: 'contacts',
  name: 'ContactArchived',
  version: 1,
  description: 'A contact was archived: hidden from lists and searches, its history kept.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'at'],
    properties: {
      contactId: { ...uuidSchema, description: 'The archived contact.' },
      at: { ...utcTimestampSchema, description: 'When the contact was archived.' },
    },
  },
  example: { contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', at: '2025-06-30T17:00:00.000Z' },
});
