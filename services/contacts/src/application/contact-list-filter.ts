import { Injectable } from '@nestjs/common';
import { escapeRegex, type ParsedListQuery } from '@crm/read-api';
import { ReadModels } from '@crm/service-kit';
import { companyListProjection } from './read-models/company-list';
import { contactListQuery } from './read-models/contact-list';

/** A search term matches at most this many companies by name (the contacts at them are then found too). */
const MAX_COMPANIES_PER_SEARCH = 100;

/** `GET /v1/contacts`'s query made safe: what the list and its export both read. */
@Injectable()
export class ContactListFilter {
  constructor(private readonly readModels: ReadModels) {}

  /** People are found by their company's name or domain too (the companies matching `q` widen the search); merged contacts only with `includeMerged=true`. */
  async parse(parameters: Record<string, unknown>): Promise<ParsedListQuery> {
    const searched = contactListQuery.parse(parameters);
    const parsed = searched.search
      ? contactListQuery.parse(parameters, {
          widenSearch: { companyIds: { $in: await this.companiesMatching(searched.search) } },
        })
      : searched;
    const filter =
      parameters.includeMerged === 'true' || 'mergedInto' in parsed.filter
        ? parsed.filter
        : { $and: [parsed.filter, { mergedInto: { $exists: false } }] };
    return { ...parsed, filter };
  }

  /** The ids of the companies whose name or a domain starts with the (normalized) search text. */
  private async companiesMatching(search: string): Promise<string[]> {
    const companies = await this.readModels
      .of(companyListProjection)
      .find({ search: { $regex: `^${escapeRegex(search)}` } }, { projection: { _id: 1 } })
      .limit(MAX_COMPANIES_PER_SEARCH)
      .toArray();
    return companies.map((company) => company._id);
  }
}
