import { Type } from '@sinclair/typebox';
import { Closed, Email, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
import { pii } from '../json-schema';
import { defineUpcaster } from '../upcaster';
import { profileFieldSchemas, profileFieldSchemasV3 } from './contact-profile';
import { personNameSchema, type PersonName } from './person-name';

const contactId = Uuid({ description: 'The new contact: the customer id.' });
const email = Type.Optional(pii(Email({ description: 'Primary e-mail address, when known.' })));
const at = UtcTimestamp({ description: 'When the contact was created.' });
// Every version: a new contact is shown the same way.
const timeline = { category: 'profile', title: 'Contact created' };

/** The first shape, with the name in one field; stored events may still carry it. */
export const ContactCreatedV1 = defineEvent({
  service: 'contacts',
  name: 'ContactCreated',
  version: 1,
  description: 'A person became a contact of the CRM, with the whole name in one field.',
  customerIdField: 'contactId',
  timeline,
  schema: Closed({
    contactId,
    // At least one non-space character, so that the upcast given name is never empty.
    fullName: pii(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'The whole name.' })),
    email,
    at,
  }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    fullName: 'Ada Lovelace',
    email: 'ada@example.com',
    at: '2025-01-15T09:30:00.000Z',
  },
});
export type ContactCreatedV1Data = DataOf<typeof ContactCreatedV1>;

/** The second shape: a name in parts and one e-mail address. */
export const ContactCreatedV2 = defineEvent({
  service: 'contacts',
  name: 'ContactCreated',
  version: 2,
  description: 'A person became a contact of the CRM, with a name in parts and at most one e-mail address.',
  customerIdField: 'contactId',
  timeline,
  schema: Closed({ contactId, name: personNameSchema, email, at }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    name: { given: 'Ada', family: 'Lovelace' },
    email: 'ada@example.com',
    at: '2025-01-15T09:30:00.000Z',
  },
});
export type ContactCreatedV2Data = DataOf<typeof ContactCreatedV2>;

const CREATED_DESCRIPTION = 'A person became a contact of the CRM, with their whole profile: the first event of every contact.';

/** The third shape: the whole profile, always with a given name. */
export const ContactCreatedV3 = defineEvent({
  service: 'contacts',
  name: 'ContactCreated',
  version: 3,
  description: CREATED_DESCRIPTION,
  customerIdField: 'contactId',
  timeline,
  schema: Closed({ contactId, ...profileFieldSchemasV3, at }),
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
export type ContactCreatedV3Data = DataOf<typeof ContactCreatedV3>;

/**
 * The current shape: the name is optional (a contact needs a name, an e-mail address or a phone number), a phone may
 * have an extension, and `sourceCreatedAt` keeps when the system it was imported from created it.
 */
export const ContactCreated = defineEvent({
  service: 'contacts',
  name: 'ContactCreated',
  version: 4,
  description:
    CREATED_DESCRIPTION +
    ' It has a name, an e-mail address or a phone number, any of them or all; `name` is absent for a person known by ' +
    'an address or number only.',
  customerIdField: 'contactId',
  timeline,
  schema: Closed({ contactId, ...profileFieldSchemas, at }),
  example: {
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    name: { given: 'Ada', family: 'Lovelace' },
    emails: [{ address: 'ada@example.com', label: 'work', primary: true }],
    phones: [{ number: '+442071234567', extension: '43023', primary: true }],
    addresses: [{ lines: ['12 St James Square'], city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' }],
    jobTitle: 'Analyst',
    locale: 'en-GB',
    timezone: 'Europe/London',
    country: 'GB',
    birthday: '1815-12-10',
    source: 'import',
    sourceCreatedAt: '2019-04-02T13:45:00.000Z',
    lifecycleStage: 'lead',
    ownerId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e99',
    tags: ['vip'],
    customFields: [{ key: 'shoeSize', value: 38 }],
    at: '2025-01-15T09:30:00.000Z',
  },
});
export type ContactCreatedData = DataOf<typeof ContactCreated>;

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
  ContactCreatedV3,
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

export const contactCreatedV3ToV4 = defineUpcaster(
  ContactCreatedV3,
  ContactCreated,
  'Same data: every v3 contact has a name, its phones no extension and no `sourceCreatedAt`, which v4 all allow.',
  (data) => data,
);
