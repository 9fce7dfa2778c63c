import { emailSchema, utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';
import { pii } from '../json-schema';

export interface ContactEmailChangedData {
  contactId: string;
  email: string;
  at: string;
}

export const ContactEmailChanged = defineEvent<ContactEmailChangedData>({
  service: 'contacts',
  name: 'ContactEmailChanged',
  version: 1,
  description: "A contact's primary e-mail address was set or replaced.",
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'email', 'at'],
    properties: {
      contactId: { ...uuidSchema, description: 'The contact.' },
      email: pii({ ...emailSchema, description: 'The new primary e-mail address.' }),
      at: { ...utcTimestampSchema, description: 'When the address changed.' },
    },
  },
  example: { contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40', email: 'ada.king@example.org', at: '2025-03-02T14:06:00.000Z' },
});
