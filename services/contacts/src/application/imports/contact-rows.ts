import type {
  ContactProfile,
  CustomFieldDefinedData,
  CustomFieldEntry,
  CustomFieldType,
  CustomFieldValue,
  EmailAddress,
  FullPersonName,
  PhoneNumber,
  PostalAddress,
} from '@crm/contracts';
import {
  readCountryCell,
  readExternalIdCell,
  isUuid,
  listItems,
  mergeByField,
  rowFailure,
  withoutUndefined,
  type ImportOptions,
  type RowFieldError,
  type RowResult,
} from '@crm/csv';
import { inputErrors } from '@crm/platform/nest';
import { sameValue } from '../../domain/changes';
import { InvalidContactData, normalizeEmail, normalizeProfile, type ProfileInput } from '../../domain/contact-values';
import { CreateContactDto, UpdateContactDto } from '../inputs/contact.dto';
import { IMPORT_CONSENT_SOURCE, readConsentCells, type ConsentCells } from './contact-consents';
import { customFieldColumn, customFieldKey, isCustomFieldColumn, type ContactField, type ContactValues } from './import-columns';

/** A contacts CSV row read into the import's terms; values are still as the file wrote them. */
export interface ContactRow {
  contactId?: string;
  externalId?: string;
  name: Partial<FullPersonName>;
  /** The primary e-mail address (the `email` column) and the others. */
  email?: string;
  otherEmails: string[];
  phone?: string;
  otherPhones: string[];
  profile: Pick<ProfileInput, 'jobTitle' | 'locale' | 'timezone' | 'country' | 'birthday' | 'source' | 'ownerId'> & {
    lifecycleStage?: string;
  };
  tags?: string[];
  address?: Partial<PostalAddress>;
  /** Companies to link (without a role), by id. */
  companyIds: string[];
  /** One company to link, found by domain or external id, with the person's role there. */
  company?: { domain?: string; externalId?: string; role?: string };
  /** Custom field cells by key (`custom.plan` → `plan`), read by the field's declared type when written. */
  customFields: Record<string, string>;
  /** Consent statements (`consent.<channel>.<purpose>`), recorded once the contact is written. */
  consent: ConsentCells;
}

/** The custom field declarations (the catalog) by key. */
export type CustomFieldDeclarations = ReadonlyMap<string, CustomFieldDefinedData>;
const NO_DECLARATIONS: CustomFieldDeclarations = new Map();

const SCALARS = ['jobTitle', 'locale', 'timezone', 'country', 'birthday', 'source', 'ownerId'] as const;
const NAME_PARTS: Record<'prefix' | 'givenName' | 'middleName' | 'familyName' | 'suffix', keyof FullPersonName> = {
  prefix: 'prefix',
  givenName: 'given',
  middleName: 'middle',
  familyName: 'family',
  suffix: 'suffix',
};

/** Reads a row's values (by field) into a ContactRow; what can be judged without the contact is judged here. */
/**
 * A refused row comes with what could be read of it (`partial`: the bad cells left out), so that the rest can be
 * checked too and the report names every bad field at once.
 */
export type ContactRowRead = { ok: true; value: ContactRow } | { ok: false; errors: RowFieldError[]; partial: ContactRow };

export function readContactRow(values: ContactValues): ContactRowRead {
  const errors: RowFieldError[] = [];
  const name: Partial<FullPersonName> = {};
  for (const [field, part] of Object.entries(NAME_PARTS)) {
    const value = values[field as ContactField];
    if (value !== undefined) name[part] = value;
  }
  const profile: ContactRow['profile'] = {};
  for (const field of SCALARS) if (values[field] !== undefined) profile[field] = values[field];
  // Conveniences a spreadsheet needs: countries by code in any case, alpha-3 or name in any language; stages in any case.
  const country = readCountryCell(values.country, 'country', errors);
  if (country !== undefined) profile.country = country;
  else delete profile.country;
  if (values.lifecycleStage) profile.lifecycleStage = values.lifecycleStage.toLowerCase();
  // Ids are keys: in lower case, as the API keeps them.
  if (profile.ownerId) profile.ownerId = profile.ownerId.toLowerCase();

  const contactId = values.contactId !== undefined && isUuid(values.contactId) ? values.contactId.toLowerCase() : undefined;
  if (values.contactId !== undefined && !contactId) errors.push({ field: 'contactId', messages: ['must be a UUID'] });
  const companyIds = listItems(values.companyIds) ?? [];
  if (companyIds.some((id) => !isUuid(id))) errors.push({ field: 'companyIds', messages: ['must be UUIDs separated by ;'] });
  const externalId = readExternalIdCell(values.externalId, 'externalId', errors);
  const companyExternalId = readExternalIdCell(values.companyExternalId, 'companyExternalId', errors);
  const company =
    values.companyDomain !== undefined || companyExternalId !== undefined
      ? { domain: values.companyDomain, externalId: companyExternalId, role: values.role }
      : undefined;
  if (values.role !== undefined && !company) {
    errors.push({ field: 'role', messages: ['is a role at a company: give companyDomain or companyExternalId too'] });
  }
  const consent = readConsentCells(values);
  if (!consent.ok) errors.push(...consent.errors);

  const addressParts = { city: values.city, region: values.region, postalCode: values.postalCode };
  const hasAddress = [values.street, values.addressCountry, ...Object.values(addressParts)].some((v) => v !== undefined);
  const row: ContactRow = {
    ...(contactId !== undefined && { contactId }),
    ...(externalId !== undefined && { externalId }),
    name,
    email: values.email,
    otherEmails: listItems(values.otherEmails) ?? [],
    phone: values.phone,
    otherPhones: listItems(values.otherPhones) ?? [],
    profile,
    tags: listItems(values.tags),
    ...(hasAddress && {
      address: withoutUndefined({
        lines: listItems(values.street) ?? [],
        ...addressParts,
        country: readCountryCell(values.addressCountry, 'addressCountry', errors),
      }),
    }),
    companyIds: companyIds.filter(isUuid).map((id) => id.toLowerCase()),
    ...(company && { company: withoutUndefined(company) }),
    customFields: Object.fromEntries(
      Object.entries(values).flatMap(([field, cell]) =>
        isCustomFieldColumn(field) && cell !== undefined ? [[customFieldKey(field), cell]] : [],
      ),
    ),
    consent: consent.ok ? consent.value : { statements: [], source: IMPORT_CONSENT_SOURCE },
  };
  return errors.length > 0 ? { ok: false, errors, partial: row } : { ok: true, value: row };
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
// A Map, not an object literal: a cell such as `constructor` must not find Object.prototype's members.
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['yes', true],
  ['1', true],
  ['false', false],
  ['no', false],
  ['0', false],
]);

/**
 * A cell as a value of its custom field's declared type, or why it cannot be one. What the domain checks
 * (options, real dates, lengths) is left to it: the row then fails with the API's messages.
 */
export function customFieldValue(type: CustomFieldType, cell: string): { value: CustomFieldValue } | { problem: string } {
  switch (type) {
    case 'number': {
      const value = NUMBER.test(cell) ? Number(cell) : NaN;
      return Number.isFinite(value)
        ? { value }
        : { problem: 'must be a number, with a point before decimals and no thousands separators (12.5)' };
    }
    case 'boolean': {
      const value = BOOLEANS.get(cell.toLowerCase());
      return value === undefined ? { problem: 'must be true or false (yes/no and 1/0 also do)' } : { value };
    }
    case 'multi-select':
      return { value: listItems(cell) ?? [] };
    case 'text':
    case 'date':
    case 'single-select':
      return { value: cell };
  }
}

/** The row's custom values, each read by its declared type; an undeclared key or an unreadable cell is an error on its column. */
function customFieldEntries(
  cells: Record<string, string>,
  declarations: CustomFieldDeclarations,
): { entries: CustomFieldEntry[]; errors: RowFieldError[] } {
  const entries: CustomFieldEntry[] = [];
  const errors: RowFieldError[] = [];
  for (const [key, cell] of Object.entries(cells)) {
    const definition = declarations.get(key);
    const read = definition ? customFieldValue(definition.type, cell) : { problem: 'is not a declared custom field' };
    if ('problem' in read) errors.push({ field: customFieldColumn(key), messages: [read.problem] });
    // A list cell of separators only is blank: it changes nothing, like a blank cell.
    else if (!(Array.isArray(read.value) && read.value.length === 0)) entries.push({ key, value: read.value });
  }
  return { entries, errors };
}

/** The e-mail addresses a row is known by, normalized: the keys of the dedupe. */
export const rowEmails = (row: ContactRow): string[] =>
  [...(row.email === undefined ? [] : [row.email]), ...row.otherEmails].map(normalizeEmail);

/** What to do with a row: create the contact, or change the one found. */
export type ContactWrite =
  { action: 'create'; input: ProfileInput & { name: FullPersonName } } | { action: 'update'; input: ProfileInput };

/**
 * The create or update a row amounts to, checked as the API checks a request (the DTO, then the domain's
 * values) so that a bad row fails with the API's messages. An update changes what the row gives and keeps
 * the rest: a blank cell changes nothing, e-mails, phones, tags and addresses are added to the contact's
 * (the `email` and `phone` columns become primary), never removed, and custom values replace those of the
 * same key only. `today` dates birthdays; `declarations` (the custom field catalog) type custom cells.
 */
export function contactWrite(
  row: ContactRow,
  existing: ContactProfile | undefined,
  today: string,
  declarations: CustomFieldDeclarations = NO_DECLARATIONS,
  { defaultCountry }: ImportOptions = {},
): RowResult<ContactWrite> {
  if (!existing && row.name.given === undefined) {
    return rowFailure([{ field: 'givenName', messages: ['is needed to create a contact'] }]);
  }
  const name = existing
    ? Object.keys(row.name).length > 0
      ? { ...existing.name, ...row.name }
      : undefined
    : { family: '', ...row.name };
  const custom = customFieldEntries(row.customFields, declarations);
  const body: Record<string, unknown> = withoutUndefined({
    ...(existing ? {} : row.contactId !== undefined && { contactId: row.contactId }),
    name,
    emails: listOrUndefined([
      ...(row.email === undefined ? [] : [{ address: row.email, primary: true }]),
      ...row.otherEmails.map((address) => ({ address })),
    ]),
    phones: listOrUndefined([
      ...(row.phone === undefined ? [] : [{ number: row.phone, primary: true }]),
      ...row.otherPhones.map((number) => ({ number })),
    ]),
    // A new contact from a row without a country is of the import's country; an existing one keeps its own.
    ...(!existing && defaultCountry !== undefined && { country: defaultCountry }),
    ...row.profile,
    tags: row.tags,
    addresses: row.address ? [row.address] : undefined,
    customFields: listOrUndefined(custom.entries),
  });
  const origins = listOrigins(row, custom.entries);
  const errors = [
    ...custom.errors,
    ...inputErrors(existing ? UpdateContactDto : CreateContactDto, body).map((e) => contactError(e.field, e.messages, origins)),
  ];
  let normalized: Partial<ContactProfile> = {};
  try {
    const { contactId: _, ...profile } = body;
    normalized = normalizeProfile(profile as ProfileInput, {
      country: existing?.country ?? defaultCountry,
      customFields: declarations,
      today,
    });
  } catch (error) {
    if (!(error instanceof InvalidContactData)) throw error;
    errors.push(...error.problems.map((p) => contactError(p.field, [p.message], origins)));
  }
  if (errors.length > 0) return rowFailure(mergeByField(errors));
  if (!existing) return { ok: true, value: { action: 'create', input: normalized as ProfileInput & { name: FullPersonName } } };

  const input: ProfileInput = withoutUndefined({
    ...normalized,
    emails: normalized.emails && mergeEmails(existing.emails, normalized.emails, row.email !== undefined),
    phones: normalized.phones && mergePhones(existing.phones, normalized.phones, row.phone !== undefined),
    tags: normalized.tags && [...new Set([...existing.tags, ...normalized.tags])],
    addresses: normalized.addresses && mergeAddresses(existing.addresses, normalized.addresses),
    customFields: normalized.customFields && mergeCustomFields(existing.customFields, normalized.customFields),
  });
  // The merged lists may outgrow their bounds (ten e-mails...): checked again, as a PATCH with them would be.
  const mergedOrigins = { ...origins, customFields: (input.customFields ?? []).map((entry) => entry.key) };
  const bounds = inputErrors(UpdateContactDto, input).map((e) => contactError(e.field, e.messages, mergedOrigins));
  return bounds.length > 0 ? rowFailure(mergeByField(bounds)) : { ok: true, value: { action: 'update', input } };
}

/** The contact's addresses with the row's `primary` one marked primary (when the row gives it) and new ones added. */
function mergeEmails(
  existing: readonly EmailAddress[],
  fromRow: readonly EmailAddress[],
  rowNamesPrimary: boolean,
): EmailAddress[] {
  return mergeList(existing, fromRow, (e) => e.address, rowNamesPrimary);
}

function mergePhones(existing: readonly PhoneNumber[], fromRow: readonly PhoneNumber[], rowNamesPrimary: boolean): PhoneNumber[] {
  return mergeList(existing, fromRow, (p) => p.number, rowNamesPrimary);
}

function mergeList<T extends { primary: boolean }>(
  existing: readonly T[],
  fromRow: readonly T[],
  keyOf: (item: T) => string,
  rowNamesPrimary: boolean,
): T[] {
  const primary = rowNamesPrimary ? keyOf(fromRow[0]) : undefined;
  const known = new Set(existing.map(keyOf));
  // New entries are not primary unless the row says so: the contact keeps its primary otherwise.
  const merged = [...existing, ...fromRow.filter((item) => !known.has(keyOf(item))).map((item) => ({ ...item, primary: false }))];
  return primary === undefined ? merged : merged.map((item) => ({ ...item, primary: keyOf(item) === primary }));
}

/** An address is new unless the contact has the same one (its label aside). */
function mergeAddresses(existing: readonly PostalAddress[], fromRow: readonly PostalAddress[]): PostalAddress[] {
  const unlabelled = ({ label: _, ...address }: PostalAddress) => address;
  const added = fromRow.filter((address) => !existing.some((known) => sameValue(unlabelled(known), unlabelled(address))));
  return [...existing, ...added];
}

/** The contact's custom values with the row's in place of those of the same key; keys the row leaves out are kept. */
function mergeCustomFields(existing: readonly CustomFieldEntry[], fromRow: readonly CustomFieldEntry[]): CustomFieldEntry[] {
  const fromRowByKey = new Map(fromRow.map((entry) => [entry.key, entry]));
  const known = new Set(existing.map((entry) => entry.key));
  return [...existing.map((entry) => fromRowByKey.get(entry.key) ?? entry), ...fromRow.filter((entry) => !known.has(entry.key))];
}

/** The import field of each entry of the lists a row builds, to name it in an error (custom fields: their keys). */
type ListOrigins = { emails: ContactField[]; phones: ContactField[]; customFields: string[] };

/** Which column each entry of the row's e-mail and phone lists came from, to name it in an error. */
function listOrigins(row: ContactRow, customFields: readonly CustomFieldEntry[]): ListOrigins {
  const of = (first: string | undefined, others: readonly string[], firstField: ContactField, othersField: ContactField) => [
    ...(first === undefined ? [] : [firstField]),
    ...others.map(() => othersField),
  ];
  return {
    emails: of(row.email, row.otherEmails, 'email', 'otherEmails'),
    phones: of(row.phone, row.otherPhones, 'phone', 'otherPhones'),
    customFields: customFields.map((entry) => entry.key),
  };
}

const NAME_FIELDS: Record<string, ContactField> = {
  given: 'givenName',
  family: 'familyName',
  prefix: 'prefix',
  middle: 'middleName',
  suffix: 'suffix',
};
const ADDRESS_FIELDS: Record<string, ContactField> = {
  lines: 'street',
  city: 'city',
  region: 'region',
  postalCode: 'postalCode',
  country: 'addressCountry',
};

/** An API path (`phones[1].number`, `name.given`, `customFields[0].plan`) as the import field that holds it. */
function contactError(path: string, messages: readonly string[], origins: ListOrigins): RowFieldError {
  const [head, index, rest] = /^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?/.exec(path)?.slice(1) ?? [path];
  const field = ((): string => {
    switch (head) {
      case 'name':
        return NAME_FIELDS[rest ?? 'given'] ?? 'givenName';
      case 'emails':
      case 'phones': {
        const list = origins[head];
        const other = head === 'emails' ? 'otherEmails' : 'otherPhones';
        return index === undefined ? other : (list[Number(index)] ?? other);
      }
      case 'addresses':
        return ADDRESS_FIELDS[rest ?? 'lines'] ?? 'street';
      case 'customFields': {
        // The list as a whole (too many entries) has no one column.
        const key = index === undefined ? undefined : origins.customFields[Number(index)];
        return key === undefined ? head : customFieldColumn(key);
      }
      default:
        return head;
    }
  })();
  return { field, messages: [...messages] };
}

function listOrUndefined<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
