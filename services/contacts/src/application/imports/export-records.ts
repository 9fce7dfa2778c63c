import {
  CONSENT_CHANNELS,
  CONSENT_PURPOSES,
  type ConsentChannel,
  type ConsentPurpose,
  type CustomFieldValue,
} from '@crm/contracts';
import { exportCell as cell } from '@crm/csv';
import type { CompanyListItem } from '../read-models/company-list';
import type { ContactListItem } from '../read-models/contact-list';
import {
  consentColumn,
  customFieldColumn,
  READ_ONLY_COLUMNS,
  type CompanyField,
  type ConsentColumn,
  type ContactField,
  type CustomFieldColumn,
} from './import-columns';

/** The fields a contacts export writes, in this order; the file imports again as it is. */
const CONTACT_EXPORT_FIELDS = [
  'contactId',
  'givenName',
  'familyName',
  'email',
  'otherEmails',
  'phone',
  'otherPhones',
  'jobTitle',
  'country',
  'locale',
  'source',
  'sourceCreatedAt',
  'lifecycleStage',
  'ownerId',
  'tags',
  'companyIds',
] as const satisfies readonly ContactField[];

type ContactExportColumn =
  (typeof CONTACT_EXPORT_FIELDS)[number] | CustomFieldColumn | ConsentColumn | (typeof READ_ONLY_COLUMNS)[number];

export type ConsentPair = { channel: ConsentChannel; purpose: ConsentPurpose };
// Columns in the contract's order of channels, then purposes (`consent.email.marketing` before `consent.email.newsletter`).
const pairOrder = ({ channel, purpose }: ConsentPair) =>
  CONSENT_CHANNELS.indexOf(channel) * CONSENT_PURPOSES.length + CONSENT_PURPOSES.indexOf(purpose);

/**
 * The contacts export for the declared custom fields and the consents held: its columns (import fields first, then
 * a `custom.<key>` column per declared field, a `consent.<channel>.<purpose>` column per channel and purpose some
 * contact has a statement for, then read-only ones), and a contact of the list as one CSV record in their order.
 */
export function contactExport(
  customKeys: readonly string[] = [],
  consentPairs: readonly ConsentPair[] = [],
): {
  columns: readonly ContactExportColumn[];
  record: (item: Omit<ContactListItem, 'search'>) => string[];
} {
  const consentColumns = [...consentPairs].sort((a, b) => pairOrder(a) - pairOrder(b)).map(consentColumn);
  const columns = [...CONTACT_EXPORT_FIELDS, ...customKeys.map(customFieldColumn), ...consentColumns, ...READ_ONLY_COLUMNS];
  const record = (item: Omit<ContactListItem, 'search'>) => {
    const cells = contactCells(item);
    return columns.map((column) => cell(cells[column]));
  };
  return { columns, record };
}

function contactCells(item: Omit<ContactListItem, 'search'>): Partial<Record<ContactExportColumn, string | readonly string[]>> {
  const others = (all: readonly string[], primary: string | undefined) => all.filter((value) => value !== primary);
  const cells: Partial<Record<ContactExportColumn, string | readonly string[]>> = {
    contactId: item.contactId,
    givenName: item.givenName,
    familyName: item.familyName,
    email: item.email,
    otherEmails: others(item.emails, item.email),
    // With their extensions (`+12025550123 ext. 12`), which the import reads back; documents from before extensions
    // have numbers only.
    ...(item.phoneTexts
      ? { phone: item.phoneTexts[0], otherPhones: item.phoneTexts.slice(1) }
      : { phone: item.phone, otherPhones: others(item.phones, item.phone) }),
    jobTitle: item.jobTitle,
    country: item.country,
    locale: item.locale,
    source: item.source,
    sourceCreatedAt: item.sourceCreatedAt,
    lifecycleStage: item.lifecycleStage,
    ownerId: item.ownerId,
    tags: item.tags,
    companyIds: item.companyIds,
    status: item.status,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
  for (const { key, value } of item.customFields ?? []) cells[customFieldColumn(key)] = customCell(value);
  for (const entry of item.consents ?? []) cells[consentColumn(entry)] = entry.status;
  return cells;
}

/** A custom value as the import reads it back: numbers and booleans as written, multi-select items joined with `;`. */
const customCell = (value: CustomFieldValue): string | readonly string[] =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;

/** A companies export's columns: the companies import's fields, then read-only ones. */
export const COMPANY_EXPORT_COLUMNS = [
  'companyId',
  'name',
  'domains',
  'industry',
  'size',
  ...READ_ONLY_COLUMNS,
] as const satisfies readonly (CompanyField | (typeof READ_ONLY_COLUMNS)[number])[];

export function companyExportRecord(item: Omit<CompanyListItem, 'search'>): string[] {
  const cells: Record<(typeof COMPANY_EXPORT_COLUMNS)[number], string | readonly string[] | undefined> = {
    companyId: item.companyId,
    name: item.name,
    domains: item.domains,
    industry: item.industry,
    size: item.size,
    status: item.status,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
  return COMPANY_EXPORT_COLUMNS.map((column) => cell(cells[column]));
}
