import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { CustomFieldDefinedData } from '@crm/contracts';
import { findPage, type ListPage } from '@crm/read-api';
import { InjectRepository, ReadModels, type RepositoryOf, type Written } from '@crm/service-kit';
import { companyAggregate, CompanyNotFound } from '../../domain/company';
import { CUSTOM_FIELDS_CATALOG_ID, customFieldsAggregate } from '../../domain/custom-fields';
import { writtenCompany, type CompanyView } from '../contact-view';
import { companyListProjection, companyListQuery, type CompanyListItem } from '../read-models/company-list';
import { contactListProjection, type ContactListItem } from '../read-models/contact-list';

/** The people listed at a company at most: a company's page, not an export. */
const MAX_PEOPLE = 500;

export class GetCompany extends Query<Written<CompanyView>> {
  constructor(readonly companyId: string) {
    super();
  }
}

@QueryHandler(GetCompany)
export class GetCompanyHandler implements IQueryHandler<GetCompany> {
  constructor(@InjectRepository(companyAggregate) private readonly companies: RepositoryOf<typeof companyAggregate>) {}

  async execute({ companyId }: GetCompany): Promise<Written<CompanyView>> {
    return writtenCompany(companyId, await this.companies.load(companyId));
  }
}

export type ListedCompany = Omit<CompanyListItem, 'search'>;

/** The companies list (eventually consistent): filters, `sort`, `q` (name or domain prefix), cursor pages, `position`. */
export class ListCompanies extends Query<ListPage<ListedCompany>> {
  constructor(readonly parameters: Record<string, unknown>) {
    super();
  }
}

@QueryHandler(ListCompanies)
export class ListCompaniesHandler implements IQueryHandler<ListCompanies> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ parameters }: ListCompanies): Promise<ListPage<ListedCompany>> {
    return findPage(this.readModels.of(companyListProjection), companyListQuery.parse(parameters), {
      projection: { _meta: 0, search: 0 },
      map: ({ _id, ...item }) => item,
    });
  }
}

/** The company's people, from the contact list (eventually consistent). */
export class CompanyPeople extends Query<Omit<ContactListItem, 'search'>[]> {
  constructor(readonly companyId: string) {
    super();
  }
}

@QueryHandler(CompanyPeople)
export class CompanyPeopleHandler implements IQueryHandler<CompanyPeople> {
  constructor(
    @InjectRepository(companyAggregate) private readonly companies: RepositoryOf<typeof companyAggregate>,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ companyId }: CompanyPeople): Promise<Omit<ContactListItem, 'search'>[]> {
    const { state } = await this.companies.load(companyId);
    if (state.status === 'none') throw new CompanyNotFound(companyId);
    return this.readModels
      .of(contactListProjection)
      .find({ companyIds: companyId, mergedInto: { $exists: false } }, { projection: { _meta: 0, search: 0, _id: 0 } })
      .limit(MAX_PEOPLE)
      .toArray();
  }
}

/** The custom fields contacts may carry. */
export class ListCustomFields extends Query<CustomFieldDefinedData[]> {}

@QueryHandler(ListCustomFields)
export class ListCustomFieldsHandler implements IQueryHandler<ListCustomFields> {
  constructor(@InjectRepository(customFieldsAggregate) private readonly catalog: RepositoryOf<typeof customFieldsAggregate>) {}

  async execute(): Promise<CustomFieldDefinedData[]> {
    return [...(await this.catalog.load(CUSTOM_FIELDS_CATALOG_ID)).state.fields.values()];
  }
}
