import { Type, type Static } from '@sinclair/typebox';
import { Closed, Email, OneOf, StringEnum, UtcTimestamp, Uuid } from '../common-schemas';
import { pii } from '../json-schema';

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

/** A BCP 47 language tag as profiles keep it: language, then subtags of 2 to 8 (no singletons such as `-u-`): `de-CH`. */
export const LOCALE_PATTERN = '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$';
/** An IANA time zone name as profiles keep it: `Europe/Zurich`, `UTC` (not the POSIX-style `EST5EDT`, not offsets). */
export const TIMEZONE_PATTERN = '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$';

const label = Type.String({ minLength: 1, maxLength: 40, description: 'Free label: `work`, `home`.' });
const countryCode = Type.String({ pattern: '^[A-Z]{2}$', minLength: 2, maxLength: 2 });
const namePart = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 100, description }));

/** A phone number in E.164, as libphonenumber-js formats it. */
export const e164Schema = Type.String({ pattern: '^\\+[1-9]\\d{1,14}$', minLength: 3, maxLength: 16 });

const nameParts = (given: { minLength: number; description: string }) => ({
  prefix: namePart('Honorific before the name: `Dr.`.'),
  given: Type.String({ minLength: given.minLength, maxLength: 200, description: given.description }),
  middle: namePart('Middle name(s).'),
  family: Type.String({ maxLength: 200, description: 'Family name; empty for a person known by a single name.' }),
  suffix: namePart('After the name: `Jr.`, `PhD`.'),
});

/**
 * A person's full name; `given` and `family` are the parts every consumer can rely on. At least one of them holds
 * a name (the contacts domain checks it); a contact known by a family name only has an empty `given`.
 */
export const fullPersonNameSchema = pii(
  Closed(nameParts({ minLength: 0, description: 'Given name(s); empty for a person known by a family name only.' })),
);
export type FullPersonName = Static<typeof fullPersonNameSchema>;

const emailAddressSchema = Closed({
  // Normalized: trimmed, lower case.
  address: Email(),
  label: Type.Optional(label),
  // Exactly one address of a contact is primary.
  primary: Type.Boolean(),
});
export type EmailAddress = Static<typeof emailAddressSchema>;

export const emailsSchema = pii(
  Type.Array(emailAddressSchema, {
    maxItems: 10,
    description: 'E-mail addresses, normalized; exactly one primary when there are any.',
  }),
);

/** The digits dialled after the number is answered: `ext. 43023` → `43023`. */
export const PHONE_EXTENSION_PATTERN = '^[0-9]{1,20}$';

const phoneNumberSchema = Closed({
  number: e164Schema,
  extension: Type.Optional(
    Type.String({ pattern: PHONE_EXTENSION_PATTERN, minLength: 1, maxLength: 20, description: 'Extension, digits only.' }),
  ),
  label: Type.Optional(label),
  primary: Type.Boolean(),
});
export type PhoneNumber = Static<typeof phoneNumberSchema>;

const PHONES_DESCRIPTION = 'Phone numbers in E.164; exactly one primary when there are any.';
export const phonesSchema = pii(Type.Array(phoneNumberSchema, { maxItems: 10, description: PHONES_DESCRIPTION }));

/** A postal address; personal data where it is a person's (contacts), not where it is a company's. */
export const postalAddressSchema = Closed({
  label: Type.Optional(label),
  lines: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 4 }),
  city: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  postalCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  // ISO 3166-1 alpha-2.
  country: countryCode,
});
export type PostalAddress = Static<typeof postalAddressSchema>;

export const addressesSchema = pii(Type.Array(postalAddressSchema, { maxItems: 5, description: 'Postal addresses.' }));

const customFieldValueSchema = OneOf([
  Type.String({ maxLength: 1000 }),
  Type.Number(),
  Type.Boolean(),
  Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 }),
]);
export type CustomFieldValue = Static<typeof customFieldValueSchema>;

/** One custom field's value; its key is declared with a type in the custom field catalog. */
const customFieldEntrySchema = Closed({
  key: Type.String({ pattern: '^[a-z][a-zA-Z0-9]*$', minLength: 1, maxLength: 40 }),
  value: customFieldValueSchema,
});
export type CustomFieldEntry = Static<typeof customFieldEntrySchema>;

export const customFieldValuesSchema = pii(
  Type.Array(customFieldEntrySchema, {
    maxItems: 50,
    description: 'Values of declared custom fields; personal data, since a field may hold anything about the person.',
  }),
);

/** The schema of each profile field, as creates and updates carry it. Personal data is marked. */
export const profileFieldSchemas = {
  // Absent for a contact known by an e-mail address or a phone number only.
  name: Type.Optional(fullPersonNameSchema),
  emails: emailsSchema,
  phones: phonesSchema,
  addresses: addressesSchema,
  jobTitle: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  // BCP 47 language tag: `de-CH`.
  locale: Type.Optional(Type.String({ pattern: LOCALE_PATTERN, minLength: 2, maxLength: 35 })),
  // IANA time zone: `Europe/Zurich`.
  timezone: Type.Optional(Type.String({ pattern: TIMEZONE_PATTERN, minLength: 1, maxLength: 64 })),
  country: Type.Optional(countryCode),
  birthday: Type.Optional(pii(Type.String({ format: 'date', minLength: 10, maxLength: 10 }))),
  // Where the contact came from: `web-form`, `import`, `trade-fair-2025`.
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  // An import's `Create Date` (HubSpot), `CreatedDate` (Salesforce): not when the CRM recorded the contact.
  sourceCreatedAt: Type.Optional(UtcTimestamp({ description: 'When the system the contact came from created it.' })),
  lifecycleStage: StringEnum(LIFECYCLE_STAGES),
  // The user who owns the relationship.
  ownerId: Type.Optional(Uuid()),
  tags: Type.Array(Type.String({ pattern: '^[^\\s].*$', minLength: 1, maxLength: 50 }), { maxItems: 50, uniqueItems: true }),
  customFields: customFieldValuesSchema,
};

/** Everything the CRM knows about a person beyond their id: what a create sets and an update changes. */
export const contactProfileSchema = Closed(profileFieldSchemas);
export type ContactProfile = Static<typeof contactProfileSchema>;
export type ProfileField = keyof ContactProfile;

/** Some fields of a profile, each with its whole value: what an update or a merge changes. */
export const profileChangesSchema = Type.Partial(contactProfileSchema);

type OptionalKeyOf<T> = { [Key in keyof T]-?: undefined extends T[Key] ? Key : never }[keyof T];

// The profile's required and optional fields, for code that needs them at run time (a spec checks both lists are complete).
export const REQUIRED_PROFILE_FIELDS = [
  'emails',
  'phones',
  'addresses',
  'lifecycleStage',
  'tags',
  'customFields',
] as const satisfies readonly Exclude<ProfileField, OptionalKeyOf<ContactProfile>>[];
export const OPTIONAL_PROFILE_FIELDS = [
  'name',
  'jobTitle',
  'locale',
  'timezone',
  'country',
  'birthday',
  'source',
  'sourceCreatedAt',
  'ownerId',
] as const satisfies readonly OptionalKeyOf<ContactProfile>[];
export type OptionalProfileField = (typeof OPTIONAL_PROFILE_FIELDS)[number];

/** Optional fields of a profile that were removed. */
export const clearedProfileFieldsSchema = Type.Array(StringEnum(OPTIONAL_PROFILE_FIELDS), {
  maxItems: OPTIONAL_PROFILE_FIELDS.length,
  uniqueItems: true,
});

/**
 * The profile as events carried it before issue 16 (ContactCreated v3, ContactUpdated v1, ContactsMerged v1 and v2,
 * ContactMergeUndone v1): a name with a given name always, phones without extensions, no `sourceCreatedAt`. Stored
 * events of those versions are read against it; each is valid data of the current version as it is.
 */
const { sourceCreatedAt: _, ...earlierFieldSchemas } = profileFieldSchemas;
const OPTIONAL_PROFILE_FIELDS_V3 = ['jobTitle', 'locale', 'timezone', 'country', 'birthday', 'source', 'ownerId'] as const;
export const profileFieldSchemasV3 = {
  ...earlierFieldSchemas,
  name: pii(Closed(nameParts({ minLength: 1, description: 'Given name(s).' }))),
  phones: pii(
    Type.Array(Closed({ number: e164Schema, label: Type.Optional(label), primary: Type.Boolean() }), {
      maxItems: 10,
      description: PHONES_DESCRIPTION,
    }),
  ),
};
export const profileChangesSchemaV3 = Type.Partial(Closed(profileFieldSchemasV3));
export const clearedProfileFieldsSchemaV3 = Type.Array(StringEnum(OPTIONAL_PROFILE_FIELDS_V3), {
  maxItems: OPTIONAL_PROFILE_FIELDS_V3.length,
  uniqueItems: true,
});
