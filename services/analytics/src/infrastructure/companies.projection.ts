import { crmContracts, type CompanyEvent } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { evolveCompany, type CompanySummary } from '../domain/company';
import { decodeEvent } from '../domain/source-event';

export const COMPANIES_COLLECTION = 'companies';

const COMPANY_EVENTS = new Set(['CompanyCreated', 'CompanyUpdated', 'CompanyArchived']);

/** Companies by id, for the names a profile's company links show (joined when read). */
export const companiesProjection = (topics: readonly string[]) =>
  defineProjection<CompanySummary>({
    name: 'companies',
    collection: COMPANIES_COLLECTION,
    topics,
    documentId: (event) =>
      COMPANY_EVENTS.has(crmContracts.find(event.type)?.name ?? '')
        ? (event.data as { companyId?: string }).companyId
        : undefined,
    evolve: (company, event) => evolveCompany(company, decodeEvent(event) as CompanyEvent),
  });
