import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { LeadPerson } from '@crm/contracts';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest';
import { findPage, type ListPage } from '@crm/read-api';
import { ReadModels } from '@crm/service-kit';
import {
  pipelineListProjection,
  pipelineListQuery,
  productListProjection,
  productListQuery,
  type PipelineListItem,
  type ProductListItem,
} from '../read-models/catalog-lists';
import { dealListProjection, dealListQuery, type DealListItem } from '../read-models/deal-list';
import { leadListProjection, leadListQuery, type LeadListDocument } from '../read-models/lead-list';
import { purchaseHistoryProjection, purchaseHistoryQuery, type PurchaseHistoryEntry } from '../read-models/purchase-history';

// A page of a read model (eventually consistent: `position` waits for a write's Position-Token). One thing from the
// write side, with its revision for If-Match, is read by GetOne (aggregate-reads.ts).

/** A list's query parameters, as the request has them. */
abstract class ListQuery<Item> extends Query<ListPage<Item>> {
  constructor(readonly parameters: Record<string, unknown>) {
    super();
  }
}

/** A page's documents as stored, without the read model's bookkeeping and MongoDB's `_id`. */
const listed = <Item>() => ({ projection: { _meta: 0 }, map: ({ _id, ...item }: Item & { _id: unknown }): Item => item as Item });

export class ListPipelines extends ListQuery<PipelineListItem> {}

@QueryHandler(ListPipelines)
export class ListPipelinesHandler implements IQueryHandler<ListPipelines> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ parameters }: ListPipelines): Promise<ListPage<PipelineListItem>> {
    return findPage(this.readModels.of(pipelineListProjection), pipelineListQuery.parse(parameters), listed<PipelineListItem>());
  }
}

export class ListDeals extends ListQuery<DealListItem> {}

@QueryHandler(ListDeals)
export class ListDealsHandler implements IQueryHandler<ListDeals> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ parameters }: ListDeals): Promise<ListPage<DealListItem>> {
    return findPage(this.readModels.of(dealListProjection), dealListQuery.parse(parameters), listed<DealListItem>());
  }
}

export class ListProducts extends ListQuery<ProductListItem> {}

@QueryHandler(ListProducts)
export class ListProductsHandler implements IQueryHandler<ListProducts> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ parameters }: ListProducts): Promise<ListPage<ProductListItem>> {
    return findPage(this.readModels.of(productListProjection), productListQuery.parse(parameters), listed<ProductListItem>());
  }
}

/** A customer's orders, newest first, with what was bought and refunded. */
export class PurchaseHistory extends ListQuery<PurchaseHistoryEntry> {
  constructor(
    readonly contactId: string,
    parameters: Record<string, unknown>,
  ) {
    super(parameters);
  }
}

@QueryHandler(PurchaseHistory)
export class PurchaseHistoryHandler implements IQueryHandler<PurchaseHistory> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ contactId, parameters }: PurchaseHistory): Promise<ListPage<PurchaseHistoryEntry>> {
    const query = purchaseHistoryQuery.parse(parameters);
    const filter = { $and: [query.filter, { contactId }] };
    return findPage(this.readModels.of(purchaseHistoryProjection), { ...query, filter }, listed<PurchaseHistoryEntry>());
  }
}

/** A listed lead with its personal values opened; absent once the person's key is gone (erased here or as a contact). */
export type LeadListItem = Omit<LeadListDocument, 'sealed'> & {
  person?: LeadPerson;
  notes?: string;
  disqualificationNote?: string;
};

export class ListLeads extends ListQuery<LeadListItem> {}

@QueryHandler(ListLeads)
export class ListLeadsHandler implements IQueryHandler<ListLeads> {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ parameters }: ListLeads): Promise<ListPage<LeadListItem>> {
    const page = await findPage(
      this.readModels.of(leadListProjection),
      leadListQuery.parse(parameters),
      listed<LeadListDocument>(),
    );
    // One key lookup for the page; an erased person's values open as null.
    const opened = await this.vault.open(page.items.flatMap(({ sealed }) => sealed));
    let taken = 0;
    const items = page.items.map(({ sealed, ...lead }): LeadListItem => {
      const own = opened.slice(taken, (taken += sealed.length));
      return own.reduce<LeadListItem>((item, { type, data }) => ({ ...item, ...personalOf(type, data) }), lead);
    });
    return { ...page, items };
  }
}

/** The values an opened event gives a listed lead: none once they open as null (one key seals them all). */
function personalOf(type: string, data: unknown): Partial<LeadListItem> {
  const { person, notes, note } = data as { person?: LeadPerson; notes?: string | null; note?: string | null };
  if (type === 'LeadDisqualified') return typeof note === 'string' ? { disqualificationNote: note } : {};
  if (!person || (person.name as unknown) === null) return {};
  return { person, ...(typeof notes === 'string' && { notes }) };
}
