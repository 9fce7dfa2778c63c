import { COMPANY_SIZES, crmContracts, type CompanyEvent, type CompanyProfile } from '@crm/contracts';
import { defineListQuery, normalizeSearchText } from '@crm/read-api';
import { defineProjection, withoutUndefined } from '@crm/projections';
import { normalizeDomain } from '../domain/company';

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

export const COMPANY_LIST_COLLECTION = 'company_list';

function withSearchKeys(doc: Omit<CompanyListItem, 'search'>): CompanyListItem {
  return withoutUndefined({ ...doc, search: [...new Set([doc.name, ...doc.domains].map(normalizeSearchText))] });
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

const COMPANY_EVENTS = new Set(['CompanyCreated', 'CompanyUpdated', 'CompanyArchived']);
const typeOf = (cloudEventType: string) => cloudEventType.slice('crm.contacts.'.length);

export const companyListProjection = (topic: string) =>
  defineProjection<CompanyListItem>({
    name: 'company-list',
    collection: COMPANY_LIST_COLLECTION,
    topics: [topic],
    documentId: (event) =>
      COMPANY_EVENTS.has(typeOf(event.type)) ? (event.data as { companyId?: string }).companyId : undefined,
    evolve: (doc, consumed) => {
      const type = typeOf(consumed.type);
      const event = { type, data: crmContracts.decode(type, consumed.dataVersion, consumed.data) } as CompanyEvent;
      return evolveCompanyListItem(doc, event);
    },
    indexes: [{ fields: { search: 1 } }, { fields: { domains: 1 } }, { fields: { name: 1, _id: 1 } }],
  });

/** What `GET /v1/companies` filters and sorts on (docs/contacts.md lists it). */
export const companyListQuery = defineListQuery({
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
