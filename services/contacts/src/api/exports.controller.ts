import { tableExportController } from '@crm/csv/nest';
import { ExportCompanies, ExportContacts } from '../application/queries/exports';
import { companyListQuery } from '../application/read-models/company-list';
import { contactListQuery } from '../application/read-models/contact-list';
import { IMPORTERS } from './imports';
import { listedCompany, listedContact } from './views';

/**
 * `GET /v1/contacts/export`: every contact the list shows for the same filters, sort and `q`, streamed as
 * CSV (the import's columns, with a `custom.<key>` one per declared custom field and a `consent.<channel>.<purpose>`
 * one per channel and purpose some contact has consent recorded for, so the file imports again as
 * it is) or JSON (the list's items). Registered
 * before ContactsController, whose `GET /v1/contacts/:id` would otherwise take `export` for an id.
 */
export const ContactExportController = tableExportController({
  name: 'ContactExportController',
  path: 'v1/contacts/export',
  tag: 'contacts',
  summary: 'Export contacts',
  items: listedContact,
  roles: IMPORTERS,
  listQuery: contactListQuery,
  query: (parameters) => new ExportContacts(parameters),
});

/** `GET /v1/companies/export`: the same for the companies list (registered before CompaniesController). */
export const CompanyExportController = tableExportController({
  name: 'CompanyExportController',
  path: 'v1/companies/export',
  tag: 'companies',
  summary: 'Export companies',
  items: listedCompany,
  roles: IMPORTERS,
  listQuery: companyListQuery,
  query: (parameters) => new ExportCompanies(parameters),
});
