import { CONSENT_CHANNELS, CONSENT_PURPOSES, type ConsentChannel, type ConsentPurpose } from '@crm/contracts';
import type { FieldError } from '@crm/platform';
import { unescapeCell } from './csv-cells';

export const IMPORT_KINDS = ['contacts', 'companies'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The fields a contacts CSV can fill; an export writes these first, then the read-only columns. */
export const CONTACT_FIELDS = [
  'contactId',
  'externalId',
  'prefix',
  'givenName',
  'middleName',
  'familyName',
  'suffix',
  'email',
  'otherEmails',
  'phone',
  'otherPhones',
  'jobTitle',
  'locale',
  'timezone',
  'country',
  'birthday',
  'source',
  'lifecycleStage',
  'ownerId',
  'tags',
  'street',
  'city',
  'region',
  'postalCode',
  'addressCountry',
  'companyIds',
  'companyDomain',
  'companyExternalId',
  'role',
  'consentSource',
  'consentAt',
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export const COMPANY_FIELDS = [
  'companyId',
  'externalId',
  'name',
  'domains',
  'industry',
  'size',
  'street',
  'city',
  'region',
  'postalCode',
  'addressCountry',
] as const;
export type CompanyField = (typeof COMPANY_FIELDS)[number];

/** A contacts column that fills a declared custom field: `custom.plan` fills the field with key `plan`. */
export type CustomFieldColumn = `custom.${string}`;

/** A contacts column that states consent for one channel and purpose: `consent.email.marketing`. */
export type ConsentColumn = `consent.${ConsentChannel}.${ConsentPurpose}`;

export type ImportField = ContactField | CompanyField | CustomFieldColumn | ConsentColumn;

/** A contacts row's values by field, custom fields and consent included. */
export type ContactValues = Partial<Record<ContactField | CustomFieldColumn | ConsentColumn, string>>;

// `custom.` and a key as POST /v1/custom-fields takes it; whether the key is declared is checked per row.
const CUSTOM_FIELD_COLUMN = /^custom\.[a-z][a-zA-Z0-9]{0,39}$/;
export const isCustomFieldColumn = (target: string): target is CustomFieldColumn => CUSTOM_FIELD_COLUMN.test(target);
export const customFieldColumn = (key: string): CustomFieldColumn => `custom.${key}`;
export const customFieldKey = (column: CustomFieldColumn): string => column.slice('custom.'.length);

// Channels and purposes exactly as the contract lists them (`consent.email.product-updates`).
const CONSENT_COLUMNS: ReadonlySet<string> = new Set(
  CONSENT_CHANNELS.flatMap((channel) => CONSENT_PURPOSES.map((purpose) => `consent.${channel}.${purpose}`)),
);
export const isConsentColumn = (target: string): target is ConsentColumn => CONSENT_COLUMNS.has(target);
export const consentColumn = ({ channel, purpose }: { channel: ConsentChannel; purpose: ConsentPurpose }): ConsentColumn =>
  `consent.${channel}.${purpose}`;
export const consentOfColumn = (column: ConsentColumn): { channel: ConsentChannel; purpose: ConsentPurpose } => {
  const [, channel, purpose] = column.split('.') as [string, ConsentChannel, ConsentPurpose];
  return { channel, purpose };
};

/** Columns an export writes for reference; an import passes over them. */
export const READ_ONLY_COLUMNS = ['status', 'createdAt', 'updatedAt'] as const;

/** The mapping target that drops a column. */
export const IGNORE = 'ignore';

/** Cells that hold lists separate their items with this. */
export const LIST_SEPARATOR = ';';

const FIELDS_OF: Record<ImportKind, readonly ImportField[]> = { contacts: CONTACT_FIELDS, companies: COMPANY_FIELDS };

/** Headers other tools write, understood without a mapping. */
const ALIASES: Record<ImportKind, Record<string, ImportField>> = {
  contacts: {
    firstname: 'givenName',
    lastname: 'familyName',
    surname: 'familyName',
    emailaddress: 'email',
    phonenumber: 'phone',
    tag: 'tags',
  },
  companies: { companyname: 'name', domain: 'domains', website: 'domains' },
};

/** Headers compare without case, spaces or punctuation: `E-Mail`, `email` and `E mail` are one. */
export const headerKey = (header: string): string => header.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** `header → field or "ignore"`, as the client sent it (`mapping[Work Email]=email`). */
export type ColumnMapping = Readonly<Record<string, string>>;

/** A column of the file and the field it fills (undefined: passed over). */
export interface Column {
  header: string;
  field?: ImportField;
}

const fieldByKey = (kind: ImportKind): Map<string, ImportField> =>
  new Map<string, ImportField>([
    ...Object.entries(ALIASES[kind]),
    ...FIELDS_OF[kind].map((field) => [headerKey(field), field] as [string, ImportField]),
  ]);

/** Only contacts have custom fields and consent. */
const takesCustomFields = (kind: ImportKind): boolean => kind === 'contacts';
const takesConsent = (kind: ImportKind): boolean => kind === 'contacts';

/**
 * Every mapping entry whose target is neither a field of `kind` (a contacts import: or `custom.<key>`, or
 * `consent.<channel>.<purpose>`) nor `ignore`; checked before the file is read.
 */
export function mappingErrors(kind: ImportKind, mapping: ColumnMapping): FieldError[] {
  const fields: readonly string[] = FIELDS_OF[kind];
  const choices = [
    ...fields,
    ...(takesCustomFields(kind) ? ['custom.<key>'] : []),
    ...(takesConsent(kind) ? ['consent.<channel>.<purpose>'] : []),
  ].join(', ');
  return Object.entries(mapping)
    .filter(([, target]) => target !== IGNORE && !fields.includes(target))
    .filter(([, target]) => !(takesCustomFields(kind) && isCustomFieldColumn(target)))
    .filter(([, target]) => !(takesConsent(kind) && isConsentColumn(target)))
    .map(([header, target]) => ({
      field: `mapping[${header}]`,
      messages: [`"${target}" is not a field of a ${kind} import; use one of ${choices} or ${IGNORE}`],
      in: 'query' as const,
    }));
}

/**
 * Which field each column of the header fills: the mapping first (by exact header, else by key), then the
 * header's own name (contacts: `custom.<key>` and `consent.<channel>.<purpose>`, as written, fill that custom
 * field or consent). A column that fills
 * nothing is an error unless `ignoreUnknownColumns`, so that a misspelt header does not silently drop data;
 * two columns for one field and mapping entries naming no column are errors too.
 */
export function resolveColumns(
  kind: ImportKind,
  headers: readonly string[],
  mapping: ColumnMapping,
  options: { ignoreUnknownColumns?: boolean } = {},
): { ok: true; columns: Column[] } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const byKey = fieldByKey(kind);
  // Mapping entries by exact header, and by key for a header written another way (`work email` for `Work Email`).
  const entries = Object.entries(mapping).map(([header, target]) => ({ header: header.trim(), target, used: false }));
  const entryFor = (header: string) =>
    entries.find((entry) => entry.header === header) ?? entries.find((entry) => headerKey(entry.header) === headerKey(header));
  const columns = headers.map((raw, index): Column => {
    const header = raw.trim();
    const entry = entryFor(header);
    if (entry) {
      entry.used = true;
      return entry.target === IGNORE ? { header } : { header, field: entry.target as ImportField };
    }
    if (takesCustomFields(kind) && isCustomFieldColumn(header)) return { header, field: header };
    if (takesConsent(kind) && isConsentColumn(header)) return { header, field: header };
    const field = byKey.get(headerKey(header));
    if (field) return { header, field };
    if (!(READ_ONLY_COLUMNS as readonly string[]).includes(header) && !options.ignoreUnknownColumns) {
      errors.push({
        field: `columns[${index}]`,
        messages: [
          `column "${header}" fills no field; map it (mapping[${header}]=<field>), drop it (mapping[${header}]=${IGNORE}) or send ignoreUnknownColumns=true`,
        ],
      });
    }
    return { header };
  });
  for (const { header } of entries.filter((entry) => !entry.used)) {
    errors.push({ field: `mapping[${header}]`, messages: ['names no column of the file'], in: 'query' });
  }
  const seen = new Map<ImportField, string>();
  for (const { header, field } of columns) {
    if (!field) continue;
    const first = seen.get(field);
    if (first !== undefined) errors.push({ field: `columns`, messages: [`"${first}" and "${header}" both fill ${field}`] });
    else seen.set(field, header);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, columns };
}

/** The row's values by field: cells trimmed, blank cells left out (a blank cell changes nothing). */
export function valuesByField<F extends ImportField>(
  columns: readonly Column[],
  cells: readonly string[],
): Partial<Record<F, string>> {
  const values: Partial<Record<F, string>> = {};
  columns.forEach(({ field }, index) => {
    const cell = (cells[index] ?? '').trim();
    if (field && cell !== '') values[field as F] = unescapeCell(cell);
  });
  return values;
}

/** `a; b;;c` → `['a', 'b', 'c']`. */
export const listItems = (cell: string | undefined): string[] | undefined =>
  cell === undefined
    ? undefined
    : cell
        .split(LIST_SEPARATOR)
        .map((item) => item.trim())
        .filter((item) => item !== '');
