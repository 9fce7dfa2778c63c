import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { LeadPerson } from '@crm/contracts';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest';
import { findPage, type ListPage } from '@crm/read-api';
import { InjectRepository, ReadModels, type RepositoryOf, type Written } from '@crm/service-kit';
import { dealAggregate } from '../../domain/deal';
import { leadAggregate } from '../../domain/lead';
import { orderAggregate } from '../../domain/order';
import { pipelineAggregate } from '../../domain/pipeline';
import { productAggregate } from '../../domain/product';
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
import {
  writtenDeal,
  writtenLead,
  writtenOrder,
  writtenPipeline,
  writtenProduct,
  type DealView,
  type LeadView,
  type OrderView,
  type PipelineView,
  type ProductView,
} from '../sales-views';

// One thing from the write side (current, with its revision for If-Match), or a page of a read model (eventually
// consistent: `position` waits for a write's Position-Token).

/** A list's query parameters, as the request has them. */
abstract class ListQuery<Item> extends Query<ListPage<Item>> {
  constructor(readonly parameters: Record<string, unknown>) {
    super();
  }
}

/** A page's documents as stored, without the read model's bookkeeping and MongoDB's `_id`. */
const listed = <Item>() => ({ projection: { _meta: 0 }, map: ({ _id, ...item }: Item & { _id: unknown }): Item => item as Item });

export class GetPipeline extends Query<Written<PipelineView>> {
  constructor(
    readonly pipelineId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetPipeline)
export class GetPipelineHandler implements IQueryHandler<GetPipeline> {
  constructor(@InjectRepository(pipelineAggregate) private readonly pipelines: RepositoryOf<typeof pipelineAggregate>) {}

  async execute({ pipelineId, asOf }: GetPipeline): Promise<Written<PipelineView>> {
    return writtenPipeline(pipelineId, await this.pipelines.load(pipelineId, asOf));
  }
}

export class ListPipelines extends ListQuery<PipelineListItem> {}

@QueryHandler(ListPipelines)
export class ListPipelinesHandler implements IQueryHandler<ListPipelines> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ parameters }: ListPipelines): Promise<ListPage<PipelineListItem>> {
    return findPage(this.readModels.of(pipelineListProjection), pipelineListQuery.parse(parameters), listed<PipelineListItem>());
  }
}

/** The deal now, or as it was at `asOf`. */
export class GetDeal extends Query<Written<DealView>> {
  constructor(
    readonly dealId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetDeal)
export class GetDealHandler implements IQueryHandler<GetDeal> {
  constructor(@InjectRepository(dealAggregate) private readonly deals: RepositoryOf<typeof dealAggregate>) {}

  async execute({ dealId, asOf }: GetDeal): Promise<Written<DealView>> {
    return writtenDeal(dealId, await this.deals.load(dealId, asOf));
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

export class GetProduct extends Query<Written<ProductView>> {
  constructor(
    readonly productId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetProduct)
export class GetProductHandler implements IQueryHandler<GetProduct> {
  constructor(@InjectRepository(productAggregate) private readonly products: RepositoryOf<typeof productAggregate>) {}

  async execute({ productId, asOf }: GetProduct): Promise<Written<ProductView>> {
    return writtenProduct(productId, await this.products.load(productId, asOf));
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

export class GetOrder extends Query<Written<OrderView>> {
  constructor(
    readonly orderId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetOrder)
export class GetOrderHandler implements IQueryHandler<GetOrder> {
  constructor(@InjectRepository(orderAggregate) private readonly orders: RepositoryOf<typeof orderAggregate>) {}

  async execute({ orderId, asOf }: GetOrder): Promise<Written<OrderView>> {
    return writtenOrder(orderId, await this.orders.load(orderId, asOf));
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

/** The lead now, or as it was at `asOf`: its course (converting, converted, failed and why) is on its stream. */
export class GetLead extends Query<Written<LeadView>> {
  constructor(
    readonly leadId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetLead)
export class GetLeadHandler implements IQueryHandler<GetLead> {
  constructor(@InjectRepository(leadAggregate) private readonly leads: RepositoryOf<typeof leadAggregate>) {}

  async execute({ leadId, asOf }: GetLead): Promise<Written<LeadView>> {
    return writtenLead(leadId, await this.leads.load(leadId, asOf));
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
