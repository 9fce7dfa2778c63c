import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { mongo } from 'mongoose';
import { InvalidQueryError, waitForListPosition, type ParsedListQuery } from '@crm/read-api';
import { InjectRepository, ReadModels, type ReadModelDocument, type RepositoryOf } from '@crm/service-kit';
import { CUSTOM_FIELDS_CATALOG_ID, customFieldsAggregate } from '../../domain/custom-fields';
import { COMPANY_EXPORT_COLUMNS, companyExportRecord, contactExport, type ConsentPair } from '../../imports/export-records';
import { ContactListFilter } from '../contact-list-filter';
import { companyListProjection, companyListQuery, type CompanyListItem } from '../read-models/company-list';
import { contactListProjection, type ContactListItem } from '../read-models/contact-list';

/** A table to download: its columns, a record per item, and the items in the list's order (read in batches). */
export interface TableExport<Item = object> {
  name: string;
  columns: readonly string[];
  record(item: Item): string[];
  items: AsyncIterable<Item> & { close(): Promise<void> };
}

/** The list's paging parameters make no sense for an export, which holds every match: refused, not ignored. */
function withoutPages(parameters: Record<string, unknown>): Record<string, unknown> {
  const paging = ['limit', 'cursor'].filter((name) => name in parameters);
  if (paging.length > 0) {
    throw new InvalidQueryError(
      paging.map((name) => ({ field: name, messages: ['an export has no pages: it holds every match'], in: 'query' as const })),
    );
  }
  return parameters;
}

/** Every document the query matches, in its order, without `_id`, `_meta` and search keys. */
function matches<D extends { _id: string }>(collection: mongo.Collection<D>, parsed: ParsedListQuery): TableExport<Omit<D, '_id'>>['items'] {
  return collection
    .find(parsed.filter as mongo.Filter<D>, { projection: { _id: 0, _meta: 0, search: 0 } })
    .sort(parsed.sort as Record<string, 1 | -1>)
    .batchSize(500) as unknown as TableExport<Omit<D, '_id'>>['items'];
}

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
    return { name: 'contacts', ...shape, items: matches(contacts, parsed) } as TableExport;
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
    return { name: 'companies', columns: COMPANY_EXPORT_COLUMNS, record, items: matches<ReadModelDocument<CompanyListItem>>(companies, parsed) };
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
