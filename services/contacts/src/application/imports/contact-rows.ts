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
  LIST_SEPARATOR,
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
import { InvalidContactData, normalizeProfile, phoneKey, type ProfileInput } from '../../domain/contact-values';
import { CreateContactDto, UpdateContactDto } from '../inputs/contact.dto';
import { IMPORT_CONSENT_SOURCE, readConsentCells, type ConsentCells } from './contact-consents';
import {
  CONTACT_DATE_FIELDS,
  customFieldColumn,
  customFieldKey,
  isCustomFieldColumn,
  type ContactField,
  type ContactValues,
} from './import-columns';

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
  profile: Pick<
    ProfileInput,
    'jobTitle' | 'locale' | 'timezone' | 'country' | 'birthday' | 'source' | 'sourceCreatedAt' | 'ownerId'
  > & {
    lifecycleStage?: string;
  };
  tags?: string[];
  address?: Partial<PostalAddress>;
  /** Companies to link (without a role), by id. */
  companyIds: string[];
  /**
   * One company to link, with the person's role there: by external id, else by domain, else by name (compared as
   * companyNameKey does); a company the name names and none has is created.
   */
  company?: { domain?: string; externalId?: string; name?: string; role?: string };
  /** Custom field cells by key (`custom.plan` → `plan`), read by the field's declared type when written. */
  customFields: Record<string, string>;
  /** Consent statements (`consent.<channel>.<purpose>`), recorded once the contact is written. */
  consent: ConsentCells;
}

/** The custom field declarations (the catalog) by key. */
export type CustomFieldDeclarations = ReadonlyMap<string, CustomFieldDefinedData>;
const NO_DECLARATIONS: CustomFieldDeclarations = new Map();

// Taken as written; `country` is read apart (readCountryCell).
const SCALARS = ['jobTitle', 'locale', 'timezone', 'birthday', 'source', 'sourceCreatedAt', 'ownerId'] as const;
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
    values.companyDomain !== undefined || companyExternalId !== undefined || values.companyName !== undefined
      ? { domain: values.companyDomain, externalId: companyExternalId, name: values.companyName, role: values.role }
      : undefined;
  if (values.role !== undefined && !company) {
    errors.push({
      field: 'role',
      messages: ['is a role at a company: give companyName, companyDomain or companyExternalId too'],
    });
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
        // Exports give one country per person (HubSpot's Country/Region): the address is in it unless told otherwise.
        country: values.addressCountry === undefined ? country : readCountryCell(values.addressCountry, 'addressCountry', errors),
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

/** Custom dates may be ahead (a renewal): their two-digit years reach this far past this year. */
const CUSTOM_DATES_AHEAD_YEARS = 20;

/**
 * The row's date cells, each with the latest year a two-digit year stands for: birthdays, consent and the like are
 * past (`3/14/27` is 1927 in 2026); a custom field of type date may be up to 20 years ahead.
 */
export function contactDateFields(
  values: ContactValues,
  declarations: CustomFieldDeclarations,
  thisYear: number,
): Partial<Record<keyof ContactValues, number>> {
  const custom = Object.keys(values).filter(
    (field) => isCustomFieldColumn(field) && declarations.get(customFieldKey(field))?.type === 'date',
  );
  return Object.fromEntries([
    ...CONTACT_DATE_FIELDS.map((field) => [field, thisYear]),
    ...custom.map((field) => [field, thisYear + CUSTOM_DATES_AHEAD_YEARS]),
  ]);
}

/** Tags are at most this long (the API's rule). */
const MAX_TAG_LENGTH = 50;

/**
 * The row with its `owner` (a user as another system names them: an e-mail or a name) as our `ownerId`, when the owners
 * directory (`CONTACTS_IMPORT_OWNERS`) knows them; an `ownerId` column wins over it. An owner it does not know is kept as
 * a tag `owner:<as written>` (on the contact, to filter by and assign later) with a warning: never dropped unsaid.
 */
export function resolveOwner(
  values: ContactValues,
  owners: ReadonlyMap<string, string> = new Map(),
): { values: ContactValues; warnings: RowFieldError[] } {
  const { owner, ...others } = values;
  if (owner === undefined) return { values, warnings: [] };
  const ownerId = owners.get(owner.toLowerCase());
  if (ownerId !== undefined) return { values: { ownerId, ...others }, warnings: [] };
  // One tag, whatever the name holds: the list separator would cut it in two.
  const tag = `owner:${owner.replaceAll(LIST_SEPARATOR, ',')}`.slice(0, MAX_TAG_LENGTH);
  return {
    values: { ...others, tags: others.tags === undefined ? tag : `${others.tags}${LIST_SEPARATOR}${tag}` },
    warnings: [
      {
        field: 'owner',
        messages: ['names no user CONTACTS_IMPORT_OWNERS knows: kept as a tag: owner:<the cell as written>'],
      },
    ],
  };
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

/** What to do with a row: create the contact, or change the one found. */
export type ContactWrite = { action: 'create' | 'update'; input: ProfileInput };

/** A row that would create a contact must give one of what a contact needs (the domain's rule, missingIdentity). */
const NEEDS_IDENTITY: RowFieldError = {
  field: 'givenName',
  messages: [
    'a contact needs a name (givenName or familyName), an e-mail address (email) or a phone number (phone): the row gives none',
  ],
};

/**
 * The create or update a row amounts to, checked as the API checks a request (the DTO, then the domain's
 * values) so that a bad row fails with the API's messages. An update changes what the row gives and keeps
 * the rest: a blank cell changes nothing, e-mails, phones, tags and addresses are added to the contact's
 * (the `email` and `phone` columns become primary), never removed, and custom values replace those of the
 * same key only, and the source's creation date stays the first one known. `today` dates birthdays; `declarations` (the custom field catalog) type custom cells.
 */
export function contactWrite(
  row: ContactRow,
  existing: ContactProfile | undefined,
  today: string,
  declarations: CustomFieldDeclarations = NO_DECLARATIONS,
  { defaultCountry }: ImportOptions = {},
): RowResult<ContactWrite> {
  const namesSomeone = row.name.given !== undefined || row.name.family !== undefined;
  if (!existing && !namesSomeone && row.email === undefined && row.phone === undefined) return rowFailure([NEEDS_IDENTITY]);
  // Parts the row leaves out keep the contact's; a given or family name neither gives is empty.
  const name = Object.keys(row.name).length > 0 ? { given: '', family: '', ...existing?.name, ...row.name } : undefined;
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
  if (!existing) return { ok: true, value: { action: 'create', input: normalized as ProfileInput } };

  const input: ProfileInput = withoutUndefined({
    ...normalized,
    emails: normalized.emails && mergeEmails(existing.emails, normalized.emails, row.email !== undefined),
    phones: normalized.phones && mergePhones(existing.phones, normalized.phones, row.phone !== undefined),
    tags: normalized.tags && [...new Set([...existing.tags, ...normalized.tags])],
    addresses: normalized.addresses && mergeAddresses(existing.addresses, normalized.addresses),
    customFields: normalized.customFields && mergeCustomFields(existing.customFields, normalized.customFields),
    // When the source created the contact does not change: a later row (another export, another system) only fills it.
    sourceCreatedAt: existing.sourceCreatedAt ?? normalized.sourceCreatedAt,
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
  return mergeList(existing, fromRow, phoneKey, rowNamesPrimary);
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

/**
 * The import field of each entry of the lists a row builds, to name it in an error (custom fields: their keys), and the
 * address fields the row fills.
 */
type ListOrigins = { emails: ContactField[]; phones: ContactField[]; customFields: string[]; address: ContactField[] };

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
    address: Object.entries(row.address ?? {})
      .filter(([part, value]) => part !== 'lines' || (value as string[]).length > 0)
      .map(([part]) => ADDRESS_FIELDS[part]),
  };
}

const LIFECYCLE_HINT = 'map other values to a stage with values[lifecycleStage][<value>]=<stage>, or use a preset';

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
  // An address error on a part the row left empty (its country, when none is known) goes on a column the row has, so
  // that the report names a column of the file; the message names the part.
  if (head === 'addresses' && !origins.address.includes(field as ContactField) && origins.address.length > 0) {
    return { field: origins.address[0], messages: messages.map((message) => `${field} ${message}`) };
  }
  // Another system's stages are the user's to map: say how (docs/import-export.md, value mappings).
  const hint = field === 'lifecycleStage' ? [LIFECYCLE_HINT] : [];
  return { field, ...listItemOf(head, index, origins), messages: [...messages, ...hint] };
}

/** Of an error on one entry of `otherEmails` or `otherPhones`: which item of that cell it is (from 1). */
function listItemOf(head: string, index: string | undefined, origins: ListOrigins): { items?: number[] } {
  if ((head !== 'emails' && head !== 'phones') || index === undefined) return {};
  const other = head === 'emails' ? 'otherEmails' : 'otherPhones';
  const entries = origins[head].slice(0, Number(index) + 1);
  return entries[Number(index)] === other ? { items: [entries.filter((field) => field === other).length] } : {};
}

function listOrUndefined<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
