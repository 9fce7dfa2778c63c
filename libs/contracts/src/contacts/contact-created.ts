import { emailSchema, utcTimestampSchema, uuidSchema } from '../common-schemas';
import { defineEvent } from '../contract';
import { pii } from '../json-schema';
import { defineUpcaster } from '../upcaster';
import { profileFieldSchemas, REQUIRED_PROFILE_FIELDS, type ContactProfile } from './contact-profile';
import { personNameSchema, type PersonName } from './person-name';

/** The current shape: the whole profile at creation. */
export interface ContactCreatedData extends ContactProfile {
  contactId: string;
  at: string;
}

/** The second shape: a name in parts and one e-mail address. */
export interface ContactCreatedV2Data {
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

export const ContactCreatedV2 = defineEvent<ContactCreatedV2Data>({
  service: 'contacts',
  name: 'ContactCreated',
  version: 2,
  description: 'A person became a contact of the CRM, with a name in parts and at most one e-mail address.',
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

export const ContactCreated = defineEvent<ContactCreatedData>({
  service: 'contacts',
  name: 'ContactCreated',
  version: 3,
  description: 'A person became a contact of the CRM, with their whole profile: the first event of every contact.',
  customerIdField: 'contactId',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['contactId', ...REQUIRED_PROFILE_FIELDS, 'at'],
    properties: { contactId, ...profileFieldSchemas, at },
  },
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    name: { given: 'Ada', family: 'Lovelace' },
    emails: [{ address: 'ada@example.com', label: 'work', primary: true }],
    phones: [{ number: '+442071234567', primary: true }],
    addresses: [{ lines: ['12 St James Square'], city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' }],
    jobTitle: 'Analyst',
    locale: 'en-GB',
    timezone: 'Europe/London',
    country: 'GB',
    birthday: '1815-12-10',
    source: 'web-form',
    lifecycleStage: 'lead',
    ownerId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e99',
    tags: ['vip'],
    customFields: [{ key: 'shoeSize', value: 38 }],
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
  ContactCreatedV2,
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

export const contactCreatedV2ToV3 = defineUpcaster(
  ContactCreatedV2,
  ContactCreated,
  'The e-mail address, when there was one, becomes the one primary entry of `emails`; phones, addresses, tags and custom ' +
    'fields start empty, and the lifecycle stage is `lead` (what every contact was before stages existed).',
  ({ contactId, name, email, at }) => ({
    contactId,
    name,
    // null for an erased person: the list of addresses becomes null as a whole, as a sealed one would.
    emails: email === null ? (null as unknown as []) : email === undefined ? [] : [{ address: email, primary: true }],
    phones: [],
    addresses: [],
    lifecycleStage: 'lead' as const,
    tags: [],
    customFields: [],
    at,
  }),
);
