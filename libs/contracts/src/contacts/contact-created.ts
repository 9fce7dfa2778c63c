import { emailSchema, utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';
import { pii } from '../json-schema';
import { defineUpcaster } from '../upcaster';
import { personNameSchema, type PersonName } from './person-name';

export interface ContactCreatedData {
  contactId: string;
  name: PersonName;
  email?: string;
  at: string;
}

/** The first shape, with the name in one field; stored events may still carry it. */
export interface ContactCreatedV1Data {
  contactId: string;
  fullName: string;
  email?: string;
  at: string;
}

const contactId = { ...uuidSchema, description: 'The new contact: the customer id.' };
const email = pii({ ...emailSchema, description: 'Primary e-mail address, when known.' });
const at = { ...utcTimestampSchema, description: 'When the contact was created.' };

export const ContactCreatedV1 = defineEvent<ContactCreatedV1Data>({
  service: 'contacts',
  name: 'ContactCreated',
  version: 1,
  description: 'A person became a contact of the CRM, with the whole name in one field.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'fullName', 'at'],
    properties: {
      contactId,
      // At least one non-space character, so that the upcast given name is never empty.
      fullName: pii({ type: 'string', minLength: 1, maxLength: 200, pattern: '\\S', description: 'The whole name.' }),
      email,
      at,
    },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    fullName: 'Ada Lovelace',
    email: 'ada@example.com',
    at: '2025-01-15T09:30:00.000Z',
  },
});

export const ContactCreated = defineEvent<ContactCreatedData>({
  service: 'contacts',
  name: 'ContactCreated',
  version: 2,
  description: 'A person became a contact of the CRM: the first event of every contact.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', 'name', 'at'],
    properties: { contactId, name: personNameSchema, email, at },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    name: { given: 'Ada', family: 'Lovelace' },
    email: 'ada@example.com',
    at: '2025-01-15T09:30:00.000Z',
  },
});

/** `Ada King Lovelace` → given `Ada King`, family `Lovelace`; a single name is all given name. */
export function splitFullName(fullName: string): PersonName {
  const parts = /^(.*\S)\s+(\S+)$/.exec(fullName.trim());
  return parts ? { given: parts[1], family: parts[2] } : { given: fullName.trim(), family: '' };
}

export const contactCreatedV1ToV2 = defineUpcaster(
  ContactCreatedV1,
  ContactCreated,
  '`fullName` is split at its last space: the given name before it, the family name after it (empty for a single name).',
  ({ contactId, fullName, email, at }) => ({
    contactId,
    // null for an erased person (see defineUpcaster); the name stays null.
    name: fullName === null ? (null as unknown as PersonName) : splitFullName(fullName),
    // An absent e-mail stays absent: `email: undefined` is not valid JSON data.
    ...(email === undefined ? {} : { email }),
    at,
  }),
);
