import { emailSchema, uuidSchema } from '../common-schemas';
import { pii, type JsonSchema } from '../json-schema';
import type { PersonName } from './person-name';

/** Where a person stands in the customer journey, in the order they usually move through it. */
export const LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'marketing-qualified',
  'sales-qualified',
  'opportunity',
  'customer',
  'evangelist',
  'other',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** A person's full name; `given` and `family` are the parts every consumer can rely on. */
export interface FullPersonName extends PersonName {
  prefix?: string;
  middle?: string;
  suffix?: string;
}

export interface EmailAddress {
  /** Normalized: trimmed, lower case. */
  address: string;
  label?: string;
  /** Exactly one address of a contact is primary. */
  primary: boolean;
}

export interface PhoneNumber {
  /** E.164: `+4915123456789`. */
  number: string;
  label?: string;
  primary: boolean;
}

export interface PostalAddress {
  label?: string;
  lines: string[];
  city?: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export type CustomFieldValue = string | number | boolean | string[];

/** One custom field's value; its key is declared with a type in the custom field catalog. */
export interface CustomFieldEntry {
  key: string;
  value: CustomFieldValue;
}

/** Everything the CRM knows about a person beyond their id: what a create sets and an update changes. */
export interface ContactProfile {
  name: FullPersonName;
  emails: EmailAddress[];
  phones: PhoneNumber[];
  addresses: PostalAddress[];
  jobTitle?: string;
  /** BCP 47 language tag: `de-CH`. */
  locale?: string;
  /** IANA time zone: `Europe/Zurich`. */
  timezone?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** `YYYY-MM-DD`. */
  birthday?: string;
  /** Where the contact came from: `web-form`, `import`, `trade-fair-2025`. */
  source?: string;
  lifecycleStage: LifecycleStage;
  /** The user who owns the relationship. */
  ownerId?: string;
  tags: string[];
  customFields: CustomFieldEntry[];
}

export type ProfileField = keyof ContactProfile;
export const OPTIONAL_PROFILE_FIELDS = ['jobTitle', 'locale', 'timezone', 'country', 'birthday', 'source', 'ownerId'] as const;
export type OptionalProfileField = (typeof OPTIONAL_PROFILE_FIELDS)[number];

const label = { type: 'string', minLength: 1, maxLength: 40, description: 'Free label: `work`, `home`.' } as const;
const countryCode: JsonSchema = { type: 'string', pattern: '^[A-Z]{2}$', minLength: 2, maxLength: 2 };
const namePart = (description: string): JsonSchema => ({ type: 'string', minLength: 1, maxLength: 100, description });

/** A phone number in E.164, as libphonenumber-js formats it. */
export const e164Schema: JsonSchema = { type: 'string', pattern: '^\\+[1-9]\\d{1,14}$', minLength: 3, maxLength: 16 };

export const fullPersonNameSchema: JsonSchema = pii({
  type: 'object',
  additionalProperties: false,
  required: ['given', 'family'],
  properties: {
    prefix: namePart('Honorific before the name: `Dr.`.'),
    given: { type: 'string', minLength: 1, maxLength: 200, description: 'Given name(s).' },
    middle: namePart('Middle name(s).'),
    family: { type: 'string', maxLength: 200, description: 'Family name; empty for a person known by a single name.' },
    suffix: namePart('After the name: `Jr.`, `PhD`.'),
  },
});

export const emailsSchema: JsonSchema = pii({
  type: 'array',
  maxItems: 10,
  description: 'E-mail addresses, normalized; exactly one primary when there are any.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['address', 'primary'],
    properties: { address: emailSchema, label, primary: { type: 'boolean' } },
  },
});

export const phonesSchema: JsonSchema = pii({
  type: 'array',
  maxItems: 10,
  description: 'Phone numbers in E.164; exactly one primary when there are any.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['number', 'primary'],
    properties: {
      number: e164Schema,
      label,
      primary: { type: 'boolean' },
    },
  },
});

/** A postal address; personal data where it is a person's (contacts), not where it is a company's. */
export const postalAddressSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lines', 'country'],
  properties: {
    label,
    lines: { type: 'array', maxItems: 4, items: { type: 'string', minLength: 1, maxLength: 200 } },
    city: { type: 'string', minLength: 1, maxLength: 100 },
    region: { type: 'string', minLength: 1, maxLength: 100 },
    postalCode: { type: 'string', minLength: 1, maxLength: 20 },
    country: countryCode,
  },
};

export const addressesSchema: JsonSchema = pii({
  type: 'array',
  maxItems: 5,
  description: 'Postal addresses.',
  items: postalAddressSchema,
});

export const customFieldValuesSchema: JsonSchema = pii({
  type: 'array',
  maxItems: 50,
  description: 'Values of declared custom fields; personal data, since a field may hold anything about the person.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'value'],
    properties: {
      key: { type: 'string', pattern: '^[a-z][a-zA-Z0-9]*$', minLength: 1, maxLength: 40 },
      value: {
        oneOf: [
          { type: 'string', maxLength: 1000 },
          { type: 'number' },
          { type: 'boolean' },
          { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 100 } },
        ],
      },
    },
  },
});

/** The schema of each profile field, as creates and updates carry it. Personal data is marked. */
export const profileFieldSchemas: { readonly [Field in ProfileField]: JsonSchema } = {
  name: fullPersonNameSchema,
  emails: emailsSchema,
  phones: phonesSchema,
  addresses: addressesSchema,
  jobTitle: { type: 'string', minLength: 1, maxLength: 200 },
  locale: { type: 'string', pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$', minLength: 2, maxLength: 35 },
  timezone: { type: 'string', pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$', minLength: 1, maxLength: 64 },
  country: countryCode,
  birthday: pii({ type: 'string', format: 'date', minLength: 10, maxLength: 10 }),
  source: { type: 'string', minLength: 1, maxLength: 100 },
  lifecycleStage: { type: 'string', enum: LIFECYCLE_STAGES },
  ownerId: uuidSchema,
  tags: {
    type: 'array',
    maxItems: 50,
    uniqueItems: true,
    items: { type: 'string', pattern: '^[^\\s].*$', minLength: 1, maxLength: 50 },
  },
  customFields: customFieldValuesSchema,
};

export const REQUIRED_PROFILE_FIELDS = [
  'name',
  'emails',
  'phones',
  'addresses',
  'lifecycleStage',
  'tags',
  'customFields',
] as const;
