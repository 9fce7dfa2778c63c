import type { CompanyListItem } from '../infrastructure/company-list.projection';
import type { ContactListItem } from '../infrastructure/contact-list.projection';
import { escapeCell } from './csv-cells';
import { LIST_SEPARATOR, READ_ONLY_COLUMNS, type CompanyField, type ContactField } from './import-columns';

/** An export's columns: import fields first (so the file imports again as it is), then read-only ones. */
export const CONTACT_EXPORT_COLUMNS = [
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
  'lifecycleStage',
  'ownerId',
  'tags',
  'companyIds',
  ...READ_ONLY_COLUMNS,
] as const satisfies readonly (ContactField | (typeof READ_ONLY_COLUMNS)[number])[];

/** A contact of the list as one CSV record, in CONTACT_EXPORT_COLUMNS order. */
export function contactExportRecord(item: Omit<ContactListItem, 'search'>): string[] {
  const others = (all: readonly string[], primary: string | undefined) => all.filter((value) => value !== primary);
  const cells: Record<(typeof CONTACT_EXPORT_COLUMNS)[number], string | readonly string[] | undefined> = {
    contactId: item.contactId,
    givenName: item.givenName,
    familyName: item.familyName,
    email: item.email,
    otherEmails: others(item.emails, item.email),
    phone: item.phone,
    otherPhones: others(item.phones, item.phone),
    jobTitle: item.jobTitle,
    country: item.country,
    locale: item.locale,
    source: item.source,
    lifecycleStage: item.lifecycleStage,
    ownerId: item.ownerId,
    tags: item.tags,
    companyIds: item.companyIds,
    status: item.status,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
  return CONTACT_EXPORT_COLUMNS.map((column) => cell(cells[column]));
}

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

/** One CSV cell: lists joined with `;`, formula-like text escaped. */
function cell(value: string | readonly string[] | undefined): string {
  return escapeCell(Array.isArray(value) ? value.join(LIST_SEPARATOR) : ((value as string | undefined) ?? ''));
}
