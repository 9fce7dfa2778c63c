import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { mongo } from 'mongoose';
import { listMatches, withoutPages, type TableExport } from '@crm/csv';
import { waitForListPosition } from '@crm/read-api';
import { InjectRepository, ReadModels, type ReadModelDocument, type RepositoryOf } from '@crm/service-kit';
import { CUSTOM_FIELDS_CATALOG_ID, customFieldsAggregate } from '../../domain/custom-fields';
import { ContactListFilter } from '../contact-list-filter';
import { COMPANY_EXPORT_COLUMNS, companyExportRecord, contactExport, type ConsentPair } from '../imports/export-records';
import { companyListProjection, companyListQuery, type CompanyListItem } from '../read-models/company-list';
import { contactListProjection, type ContactListItem } from '../read-models/contact-list';

/**
 * Every contact the list shows for the same filters, sort and `q`: the import's columns, with a `custom.<key>` one per
 * declared custom field and a `consent.<channel>.<purpose>` one per channel and purpose some contact has consent
 * recorded for, so that the file imports again as it is.
 */
export class ExportContacts extends Query<TableExport> {
  constructor(readonly parameters: Record<string, unknown>) {
    super();
  }
}

@QueryHandler(ExportContacts)
export class ExportContactsHandler implements IQueryHandler<ExportContacts> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly filter: ContactListFilter,
    @InjectRepository(customFieldsAggregate) private readonly customFields: RepositoryOf<typeof customFieldsAggregate>,
  ) {}

  async execute({ parameters }: ExportContacts): Promise<TableExport> {
    const parsed = await this.filter.parse(withoutPages(parameters));
    const contacts = this.readModels.of(contactListProjection);
    await waitForListPosition(contacts, parsed); // before the columns: a consent just recorded may add one
    const customKeys = [...(await this.customFields.load(CUSTOM_FIELDS_CATALOG_ID)).state.fields.keys()];
    const shape = contactExport(customKeys, await consentPairsHeld(contacts));
    return { name: 'contacts', ...shape, items: listMatches(contacts, parsed) } as TableExport;
  }
}

/** The companies list's matches, as `ExportContacts` (companies hold no custom fields or consents). */
export class ExportCompanies extends Query<TableExport> {
  constructor(readonly parameters: Record<string, unknown>) {
    super();
  }
}

@QueryHandler(ExportCompanies)
export class ExportCompaniesHandler implements IQueryHandler<ExportCompanies> {
  constructor(private readonly readModels: ReadModels) {}

  async execute({ parameters }: ExportCompanies): Promise<TableExport> {
    const companies = this.readModels.of(companyListProjection);
    const parsed = companyListQuery.parse(withoutPages(parameters));
    await waitForListPosition(companies, parsed);
    const record = companyExportRecord as (item: object) => string[];
    return {
      name: 'companies',
      columns: COMPANY_EXPORT_COLUMNS,
      record,
      items: listMatches<ReadModelDocument<CompanyListItem>>(companies, parsed),
    };
  }
}

/** The channels and purposes some contact of the list has a consent statement for: one export column each. */
async function consentPairsHeld(collection: mongo.Collection<ReadModelDocument<ContactListItem>>): Promise<ConsentPair[]> {
  const pairs = await collection
    .aggregate<{ _id: ConsentPair }>([
      { $match: { 'consents.0': { $exists: true } } },
      { $unwind: '$consents' },
      { $group: { _id: { channel: '$consents.channel', purpose: '$consents.purpose' } } },
    ])
    .toArray();
  return pairs.map(({ _id }) => _id);
}
