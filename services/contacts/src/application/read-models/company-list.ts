import {
  COMPANY_SIZES,
  CompanyArchived,
  CompanyCreated,
  CompanyUpdated,
  type CompanyEvent,
  type CompanyProfile,
} from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { defineListQuery, normalizeSearchText } from '@crm/read-api';
import { normalizeDomain } from '../../domain/company';

/** A company as lists and searches see it (companies hold no personal data). */
export interface CompanyListItem {
  companyId: string;
  name: string;
  domains: string[];
  industry?: string;
  size?: CompanyProfile['size'];
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
  /** Lower-case search keys: the name and the domains. */
  search: string[];
}

function withSearchKeys(doc: Omit<CompanyListItem, 'search'>): CompanyListItem {
  return { ...doc, search: [...new Set([doc.name, ...doc.domains].map(normalizeSearchText))] };
}

export function evolveCompanyListItem(doc: CompanyListItem | undefined, event: CompanyEvent): CompanyListItem | null {
  switch (event.type) {
    case 'CompanyCreated': {
      const { companyId, name, domains, industry, size, at } = event.data;
      return withSearchKeys({ companyId, name, domains, industry, size, status: 'active', createdAt: at, updatedAt: at });
    }
    case 'CompanyUpdated': {
      if (!doc) return null;
      const { addresses: _notListed, ...listed } = event.data.changes;
      const updated = { ...doc, ...listed, updatedAt: event.data.at };
      for (const field of event.data.cleared) delete updated[field];
      return withSearchKeys(updated);
    }
    case 'CompanyArchived':
      return doc ? { ...doc, status: 'archived', updatedAt: event.data.at } : null;
  }
}

export const companyListProjection = defineProjection({
  name: 'company-list',
  collection: 'company_list',
  handles: [CompanyCreated, CompanyUpdated, CompanyArchived],
  documentId: (event) => event.data.companyId,
  evolve: evolveCompanyListItem,
  // As the contact list's (contact-list.ts): every filter, sort and search of the list below; equality filters go on
  // with the default order, by name.
  indexes: [
    { fields: { search: 1 } },
    { fields: { domains: 1 } },
    { fields: { name: 1, _id: 1 } },
    { fields: { createdAt: 1, _id: 1 } },
    { fields: { updatedAt: 1, _id: 1 } },
    { fields: { industry: 1, name: 1, _id: 1 } },
    { fields: { size: 1, name: 1, _id: 1 } },
    { fields: { status: 1, name: 1, _id: 1 } },
  ],
});

/** What `GET /v1/companies` filters and sorts on (docs/contacts.md lists it). */
export const companyListQuery = defineListQuery({
  readModel: companyListProjection,
  fields: {
    name: { type: 'string' },
    domain: { type: 'string', path: 'domains', array: true, normalize: normalizeDomain, description: 'Any of its domains.' },
    industry: { type: 'string' },
    size: { type: 'enum', values: COMPANY_SIZES },
    status: { type: 'enum', values: ['active', 'archived'] },
    createdAt: { type: 'date-time' },
    updatedAt: { type: 'date-time' },
  },
  sortable: ['name', 'createdAt', 'updatedAt'],
  defaultSort: 'name',
  search: { paths: ['search'], description: 'Prefix of the name or of a domain.' },
});
