import type { CompanyEvent } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { evolveCompany, type CompanySummary } from '../domain/company';
import { decodeEvent, idFieldOf } from '../domain/source-event';

export const COMPANIES_COLLECTION = 'companies';

/** Companies by id, for the names a profile's company links show (joined when read). */
export const companiesProjection = (topics: readonly string[]) =>
  defineProjection<CompanySummary>({
    name: 'companies',
    collection: COMPANIES_COLLECTION,
    topics,
    documentId: idFieldOf(['CompanyCreated', 'CompanyUpdated', 'CompanyArchived'], 'companyId'),
    evolve: (company, event) => evolveCompany(company, decodeEvent(event) as CompanyEvent),
  });
