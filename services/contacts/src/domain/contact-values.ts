import { parsePhoneNumberFromString, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';
import {
  LOCALE_PATTERN,
  PHONE_EXTENSION_PATTERN,
  TIMEZONE_PATTERN,
  type ContactProfile,
  type CustomFieldDefinedData,
  type CustomFieldEntry,
  type EmailAddress,
  type FullPersonName,
  type PhoneNumber,
  type PostalAddress,
} from '@crm/contracts';

/** One bad input value, named by its path in the command (`phones[1].number`). */
export interface InvalidValue {
  field: string;
  message: string;
}

/** Values that break the contact rules; every bad value is listed, so a client fixes them all at once. */
export class InvalidContactData extends Error {
  override readonly name = 'InvalidContactData';
  constructor(readonly problems: readonly InvalidValue[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

/** E-mail addresses compare without case: one person, one address. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * A phone number as a client sends it: in any format, with the country to read national numbers in. An extension
 * may be written in the number (`x123`, `ext. 43023`, `;ext=12`) or given apart; apart, it must be the same.
 */
export interface PhoneInput {
  number: string;
  extension?: string;
  label?: string;
  primary?: boolean;
}

export interface EmailInput {
  address: string;
  label?: string;
  primary?: boolean;
}

/** A name as a client sends it: a given or a family name, or both. */
export type NameInput = Partial<FullPersonName>;

/** An address as a client sends it: any of its parts; the country, when left out, is the contact's. */
export type AddressInput = Partial<PostalAddress>;

/** A profile as commands carry it: raw client values, normalized by `normalizeProfile`. */
export type ProfileInput = Omit<Partial<ContactProfile>, 'name' | 'emails' | 'phones' | 'addresses'> & {
  name?: NameInput;
  emails?: EmailInput[];
  phones?: PhoneInput[];
  addresses?: AddressInput[];
};

/** Lists with one primary entry: the one marked, else the first. Two marked is a mistake worth reporting. */
function withOnePrimary<T extends { primary?: boolean }>(
  items: T[],
  field: string,
  problems: InvalidValue[],
): (T & { primary: boolean })[] {
  const marked = items.filter((item) => item.primary === true).length;
  if (marked > 1) problems.push({ field, message: 'at most one entry may be primary' });
  const primaryIndex = Math.max(
    0,
    items.findIndex((item) => item.primary === true),
  );
  return items.map((item, index) => ({ ...item, primary: index === primaryIndex }));
}

function normalizeEmails(input: EmailInput[], problems: InvalidValue[]): EmailAddress[] {
  const seen = new Set<string>();
  const unique = input
    .map((email) => ({ ...email, address: normalizeEmail(email.address) }))
    .filter((email) => !seen.has(email.address) && seen.add(email.address));
  return withOnePrimary(unique, 'emails', problems).map(({ address, label, primary }) => ({
    address,
    ...(label === undefined ? {} : { label }),
    primary,
  }));
}

/**
 * What can be said of a phone number before the contact's country is known: an international number (`+41...`) is
 * valid or not, and text that is a number in no country (no digits, too short, too long) is not one; a national number
 * is left to `normalizeProfile`, which reads it in the contact's country. Whatever this refuses, that refuses too.
 */
export function phoneTextProblem(text: string): string | undefined {
  try {
    return parsePhoneNumberWithError(text).isValid() ? undefined : 'is not a valid phone number';
  } catch (error) {
    // INVALID_COUNTRY: a national number (or an unknown calling code, when it starts with "+").
    const national = (error as Error).message === 'INVALID_COUNTRY' && !text.trim().startsWith('+');
    return national ? undefined : 'is not a valid phone number';
  }
}

const PHONE_EXTENSION = new RegExp(PHONE_EXTENSION_PATTERN);

/** One number with one extension is one phone: `+41446681800` and `+41446681800 x12` are two. */
export const phoneKey = (phone: Pick<PhoneNumber, 'number' | 'extension'>): string =>
  phone.extension === undefined ? phone.number : `${phone.number};ext=${phone.extension}`;

/** Stores phone numbers in E.164 with their extension apart; a national number is read in the contact's country. */
function normalizePhones(input: PhoneInput[], country: string | undefined, problems: InvalidValue[]): PhoneNumber[] {
  const seen = new Set<string>();
  const parsed: PhoneNumber[] = [];
  input.forEach((phone, index) => {
    const number = parsePhoneNumberFromString(phone.number, country as CountryCode | undefined);
    if (!number?.isValid()) {
      problems.push({
        field: `phones[${index}].number`,
        message: country
          ? `is not a valid phone number (national numbers are read in ${country})`
          : 'is not a valid phone number; give it in international form (+41 44 668 18 00) or set the contact’s country',
      });
      return;
    }
    const extension = phoneExtension(phone.extension, number.ext, `phones[${index}].extension`, problems);
    const normalized: PhoneNumber = withoutAbsent({ number: number.number, extension, label: phone.label, primary: false });
    if (!seen.has(phoneKey(normalized))) {
      seen.add(phoneKey(normalized));
      parsed.push({ ...normalized, ...(phone.primary !== undefined && { primary: phone.primary }) });
    }
  });
  return withOnePrimary(parsed, 'phones', problems);
}

/** The extension given apart or written in the number; both, they must agree. Digits only. */
function phoneExtension(
  given: string | undefined,
  written: string | undefined,
  field: string,
  problems: InvalidValue[],
): string | undefined {
  const extension = given?.trim();
  if (extension === undefined || extension === '') return written;
  if (!PHONE_EXTENSION.test(extension)) problems.push({ field, message: 'must be 1 to 20 digits' });
  else if (written !== undefined && written !== extension)
    problems.push({ field, message: `differs from the extension written in the number (${written})` });
  return extension;
}

/** The object without its undefined properties (JSON data has no `undefined`). */
function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Addresses with parts trimmed; an address names at least one part (a city alone will do), and one without a
 * country is in the contact's country.
 */
function normalizeAddresses(input: AddressInput[], country: string | undefined, problems: InvalidValue[]): PostalAddress[] {
  const addresses: PostalAddress[] = [];
  input.forEach((address, index) => {
    const lines = (address.lines ?? []).map((line) => line.trim()).filter((line) => line !== '');
    const parts = withoutAbsent({
      label: address.label,
      city: blankToUndefined(address.city),
      region: blankToUndefined(address.region),
      postalCode: blankToUndefined(address.postalCode),
    });
    if (lines.length === 0 && parts.city === undefined && parts.region === undefined && parts.postalCode === undefined) {
      problems.push({ field: `addresses[${index}]`, message: 'names no street, city, region or postal code' });
      return;
    }
    const addressCountry = address.country ?? country;
    if (addressCountry === undefined) {
      problems.push({
        field: `addresses[${index}].country`,
        message: 'is needed: the address names no country and the contact has none',
      });
      return;
    }
    const { label, ...rest } = parts;
    addresses.push({ ...(label !== undefined && { label }), lines, ...rest, country: addressCountry });
  });
  return addresses;
}

const blankToUndefined = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

const SOURCE_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * When the system a contact came from created it, as a UTC timestamp: an ISO 8601 date-time (with its offset,
 * else read as UTC), `YYYY-MM-DD HH:mm`, or a date alone (midnight UTC). Undefined when it is none of them.
 */
export function readSourceCreatedAt(text: string): string | undefined {
  const parts = SOURCE_DATE_TIME.exec(text.trim());
  if (!parts) return undefined;
  const [, date, time = '00:00', seconds = ':00', offset = 'Z'] = parts;
  if (!validDate(date)) return undefined;
  const iso = `${date}T${time}${seconds}${offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset}`;
  const instant = new Date(iso);
  // Date takes `24:00` as the next midnight; a source that wrote it wrote no time of a day.
  const [hours, minutes] = time.split(':').map(Number);
  return Number.isNaN(instant.getTime()) || hours > 23 || minutes > 59 ? undefined : instant.toISOString();
}

/** Why a profile identifies no one, or undefined: a contact needs a name, an e-mail address or a phone number. */
export function missingIdentity(profile: Pick<ContactProfile, 'name' | 'emails' | 'phones'>): InvalidValue | undefined {
  return profile.name !== undefined || profile.emails.length > 0 || profile.phones.length > 0
    ? undefined
    : {
        field: 'name',
        message: 'is needed when the contact has no e-mail address (emails) and no phone number (phones): give one of the three',
      };
}

const validDate = (value: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
};

// Building a DateTimeFormat to test a zone costs about 0.3 ms; the valid names seen are remembered (bounded,
// as the check ignores case and so could be fed endless spellings).
const knownTimezones = new Set<string>();
const KNOWN_TIMEZONES_MAX = 2000;
// What the contract keeps: Intl also knows `EST5EDT`, `GMT0` and offsets (`+01:00`).
const TIMEZONE = new RegExp(TIMEZONE_PATTERN);
const LOCALE = new RegExp(LOCALE_PATTERN);

function validTimezone(zone: string): boolean {
  if (!TIMEZONE.test(zone)) return false;
  if (knownTimezones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    return false;
  }
  if (knownTimezones.size < KNOWN_TIMEZONES_MAX) knownTimezones.add(zone);
  return true;
}

/** The tag in canonical form (`de-ch` → `de-CH`), when it is one the contract keeps: no extensions (`-u-ca-...`), at most 35 characters. */
function canonicalLocale(locale: string): string | undefined {
  let canonical: string[];
  try {
    canonical = Intl.getCanonicalLocales(locale);
  } catch {
    return undefined;
  }
  return canonical.length === 1 && canonical[0].length <= 35 && LOCALE.test(canonical[0]) ? canonical[0] : undefined;
}

/** Why a custom field value does not fit its declaration, or undefined when it fits. */
function customValueProblem(definition: CustomFieldDefinedData, value: unknown): string | undefined {
  const options = definition.options ?? [];
  switch (definition.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 1000 ? undefined : 'must be text of at most 1000 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return typeof value === 'string' && validDate(value) ? undefined : 'must be a date (YYYY-MM-DD)';
    case 'single-select':
      return typeof value === 'string' && options.includes(value) ? undefined : `must be one of: ${options.join(', ')}`;
    case 'multi-select':
      return Array.isArray(value) && value.every((item) => typeof item === 'string' && options.includes(item))
        ? undefined
        : `must be a list of: ${options.join(', ')}`;
  }
}

/** Checks custom values against the declarations; keys are unique, a later entry for a key replaces an earlier one. */
export function checkCustomFields(
  entries: readonly CustomFieldEntry[],
  declarations: ReadonlyMap<string, CustomFieldDefinedData>,
  problems: InvalidValue[],
): CustomFieldEntry[] {
  const byKey = new Map<string, CustomFieldEntry>();
  entries.forEach((entry, index) => {
    const definition = declarations.get(entry.key);
    const problem = definition ? customValueProblem(definition, entry.value) : 'is not a declared custom field';
    if (problem) problems.push({ field: `customFields[${index}].${entry.key}`, message: problem });
    else byKey.set(entry.key, { key: entry.key, value: Array.isArray(entry.value) ? [...new Set(entry.value)] : entry.value });
  });
  return [...byKey.values()];
}

/**
 * The profile fields of a create or update, normalized (e-mails lower case, phones E.164, one primary,
 * no duplicates, tags trimmed and unique) and checked (dates, time zone, locale, custom fields).
 * `country` is the contact's country to read national phone numbers in.
 */
export function normalizeProfile(
  input: ProfileInput,
  context: { country?: string; customFields: ReadonlyMap<string, CustomFieldDefinedData>; today: string },
): Partial<ContactProfile> {
  const problems: InvalidValue[] = [];
  const { name, emails, phones, addresses, tags, customFields, birthday, sourceCreatedAt, timezone, locale, ...rest } = input;
  const profile: Partial<ContactProfile> = { ...rest };
  if (name) {
    profile.name = trimName(name);
    if (profile.name.given === '' && profile.name.family === '')
      problems.push({
        field: 'name',
        message: 'must have a given or a family name (leave the name out for a contact known by e-mail or phone only)',
      });
  }
  if (emails) profile.emails = normalizeEmails(emails, problems);
  if (phones) profile.phones = normalizePhones(phones, input.country ?? context.country, problems);
  if (addresses) profile.addresses = normalizeAddresses(addresses, input.country ?? context.country, problems);
  if (tags) profile.tags = [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag.length > 0))];
  if (customFields) profile.customFields = checkCustomFields(customFields, context.customFields, problems);
  if (birthday !== undefined) {
    if (!validDate(birthday) || birthday > context.today)
      problems.push({ field: 'birthday', message: 'must be a past date (YYYY-MM-DD)' });
    else profile.birthday = birthday;
  }
  if (sourceCreatedAt !== undefined) {
    const instant = readSourceCreatedAt(sourceCreatedAt);
    if (instant === undefined)
      problems.push({
        field: 'sourceCreatedAt',
        message: 'must be a date-time (2019-04-02T13:45:00Z, 2019-04-02 13:45) or a date',
      });
    else if (instant.slice(0, 10) > context.today)
      problems.push({ field: 'sourceCreatedAt', message: 'must not be in the future' });
    else profile.sourceCreatedAt = instant;
  }
  if (timezone !== undefined) {
    if (validTimezone(timezone)) profile.timezone = timezone;
    else problems.push({ field: 'timezone', message: 'is not an IANA time zone name (Europe/Zurich, UTC)' });
  }
  if (locale !== undefined) {
    const canonical = canonicalLocale(locale);
    if (canonical) profile.locale = canonical;
    else problems.push({ field: 'locale', message: 'is not a BCP 47 language tag of language and region (de-CH)' });
  }
  if (problems.length > 0) throw new InvalidContactData(problems);
  return profile;
}

/** Parts trimmed; a given or family name left out is empty, another part left blank is dropped. */
function trimName(name: NameInput): FullPersonName {
  const parts = Object.entries({ given: '', family: '', ...name }).map(([part, value]) => [part, (value ?? '').trim()] as const);
  return Object.fromEntries(
    parts.filter(([part, value]) => value !== '' || part === 'given' || part === 'family'),
  ) as unknown as FullPersonName;
}
