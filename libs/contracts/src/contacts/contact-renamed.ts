import { utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';
import { personNameSchema, type PersonName } from './person-name';

export interface ContactRenamedData {
  contactId: string;
  name: PersonName;
  at: string;
}

export const ContactRenamed = defineEvent<ContactRenamedData>({
  service: 'contacts',
  name: 'ContactRenamed',
  version: 1,
  description: "A contact's name changed; `name` is the whole new name.",
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'name', 'at'],
    properties: {
      contactId: { ...uuidSchema, description: 'The renamed contact.' },
      name: personNameSchema,
      at: { ...utcTimestampSchema, description: 'When the name changed.' },
    },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    name: { given: 'Ada', family: 'King' },
    at: '2025-03-02T14:05:00.000Z',
  },
});
