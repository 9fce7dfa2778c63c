import { CompanyArchived, CompanyCreated, CompanyUpdated } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { evolveCompany } from '../../domain/company';

/** Companies by id, for the names a profile's company links show (joined when read). */
export const companiesProjection = defineProjection({
  name: 'companies',
  collection: 'companies',
  handles: [CompanyCreated, CompanyUpdated, CompanyArchived],
  documentId: (event) => event.data.companyId,
  evolve: evolveCompany,
});
