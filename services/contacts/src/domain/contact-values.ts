import { parsePhoneNumberFromString, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';
import {
  LOCALE_PATTERN,
  TIMEZONE_PATTERN,
  type ContactProfile,
  type CustomFieldDefinedData,
  type CustomFieldEntry,
  type EmailAddress,
  type PhoneNumber,
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

/** A phone number as a client sends it: in any format, with the country to read national numbers in. */
export interface PhoneInput {
  number: string;
  label?: string;
  primary?: boolean;
}

export interface EmailInput {
  address: string;
  label?: string;
  primary?: boolean;
}

/** A profile as commands carry it: raw client values, normalized by `normalizeProfile`. */
export type ProfileInput = Omit<Partial<ContactProfile>, 'emails' | 'phones'> & { emails?: EmailInput[]; phones?: PhoneInput[] };

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

/** Stores phone numbers in E.164; a national number is read in the contact's country. */
function normalizePhones(input: PhoneInput[], country: string | undefined, problems: InvalidValue[]): PhoneNumber[] {
  const seen = new Set<string>();
  const parsed: (PhoneInput & { number: string })[] = [];
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
    if (!seen.has(number.number)) {
      seen.add(number.number);
      parsed.push({ ...phone, number: number.number });
    }
  });
  return withOnePrimary(parsed, 'phones', problems).map(({ number, label, primary }) => ({
    number,
    ...(label === undefined ? {} : { label }),
    primary,
  }));
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
  const { emails, phones, tags, customFields, birthday, timezone, locale, ...rest } = input;
  const profile: Partial<ContactProfile> = { ...rest };
  if (input.name) {
    profile.name = trimName(input.name);
    if (profile.name.given === '') problems.push({ field: 'name.given', message: 'must not be blank' });
  }
  if (emails) profile.emails = normalizeEmails(emails, problems);
  if (phones) profile.phones = normalizePhones(phones, input.country ?? context.country, problems);
  if (tags) profile.tags = [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag.length > 0))];
  if (customFields) profile.customFields = checkCustomFields(customFields, context.customFields, problems);
  if (birthday !== undefined) {
    if (!validDate(birthday) || birthday > context.today)
      problems.push({ field: 'birthday', message: 'must be a past date (YYYY-MM-DD)' });
    else profile.birthday = birthday;
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

/** Parts trimmed; an optional part left blank is dropped. */
function trimName(name: ContactProfile['name']): ContactProfile['name'] {
  const parts = Object.entries(name).map(([part, value]) => [part, (value as string).trim()] as const);
  return Object.fromEntries(
    parts.filter(([part, value]) => value !== '' || part === 'given' || part === 'family'),
  ) as unknown as ContactProfile['name'];
}
