import type { Money, OrderStatus, PipelineStage, ProductPrice } from '@crm/contracts';
import { streamOf } from '@crm/eventsourcing';
import { positionIn, type Written } from '@crm/service-kit';
import { dealAggregate, DealNotFound, type Deal } from '../domain/deal';
import { leadAggregate, LeadNotFound, type Lead, type LiveLead } from '../domain/lead';
import { orderAggregate, OrderNotFound, type Order } from '../domain/order';
import { pipelineAggregate, PipelineNotFound, type Pipeline } from '../domain/pipeline';
import { productAggregate, ProductNotFound, type Product } from '../domain/product';
import { pipelineListProjection, productListProjection } from './read-models/catalog-lists';
import { dealListProjection } from './read-models/deal-list';
import { leadListProjection } from './read-models/lead-list';
import { purchaseHistoryProjection } from './read-models/purchase-history';

// What the API answers about one pipeline, deal, product or order: its state as the write side has it, and revision.

export interface PipelineView {
  pipelineId: string;
  name: string;
  /** In order; retired stages after the others. */
  stages: PipelineStage[];
  createdAt: string;
  updatedAt: string;
  revision: number;
}

export interface DealView {
  dealId: string;
  status: 'open' | 'won' | 'lost';
  contactId: string;
  pipelineId: string;
  stageId: string;
  enteredStageAt: string;
  rotting: boolean;
  title: string;
  value: Money;
  companyId?: string;
  ownerId?: string;
  expectedCloseDate?: string;
  lostReason?: string;
  openedAt: string;
  closedAt?: string;
  updatedAt: string;
  revision: number;
}

export interface ProductView {
  productId: string;
  status: 'active' | 'retired';
  sku: string;
  name: string;
  prices: ProductPrice[];
  createdAt: string;
  updatedAt: string;
  revision: number;
}

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  contactId: string;
  dealId?: string;
  currency: string;
  totalMinor: number;
  refundedMinor: number;
  /** Each line's units, total and units refunded so far (the purchase history has the full lines). */
  lines: { lineId: string; quantity: number; totalMinor: number; refundedQuantity: number }[];
  fulfilled: boolean;
  revision: number;
}

/**
 * A lead as its stream has it: its course (`converting` with the attempt, `converted` with the contact and deal,
 * `conversion-failed` with the reason), and its personal data unless erased (then only the id and times remain).
 */
export type LeadView =
  | (Omit<LiveLead, 'person'> & { person?: NonNullable<LiveLead['person']> } & { revision: number })
  | {
      leadId: string;
      status: 'erased';
      createdAt: string;
      erasedAt: string;
      revision: number;
    };

export function writtenPipeline(
  pipelineId: string,
  { state, revision }: { state: Pipeline; revision: number },
): Written<PipelineView> {
  if (state.status === 'none') throw new PipelineNotFound(pipelineId);
  const { name, stages, createdAt, updatedAt } = state;
  return {
    view: { pipelineId, name, stages, createdAt, updatedAt, revision },
    revision,
    position: positionIn(pipelineListProjection, pipelineId, streamOf(pipelineAggregate, pipelineId), revision),
  };
}

export function writtenDeal(dealId: string, { state, revision }: { state: Deal; revision: number }): Written<DealView> {
  if (state.status === 'none') throw new DealNotFound(dealId);
  return {
    view: { ...state, revision },
    revision,
    position: positionIn(dealListProjection, dealId, streamOf(dealAggregate, dealId), revision),
  };
}

export function writtenProduct(
  productId: string,
  { state, revision }: { state: Product; revision: number },
): Written<ProductView> {
  if (state.status === 'none') throw new ProductNotFound(productId);
  const { status, sku, name, prices, createdAt, updatedAt } = state;
  return {
    view: { productId, status, sku, name, prices, createdAt, updatedAt, revision },
    revision,
    position: positionIn(productListProjection, productId, streamOf(productAggregate, productId), revision),
  };
}

export function writtenOrder(orderId: string, { state, revision }: { state: Order; revision: number }): Written<OrderView> {
  if (state.status === 'none') throw new OrderNotFound(orderId);
  const { status, contactId, dealId, currency, totalMinor, refundedMinor, lines, fulfilled } = state;
  return {
    view: {
      orderId,
      status,
      contactId,
      ...(dealId !== undefined && { dealId }),
      currency,
      totalMinor,
      refundedMinor,
      lines,
      fulfilled,
      revision,
    },
    revision,
    position: positionIn(purchaseHistoryProjection, orderId, streamOf(orderAggregate, orderId), revision),
  };
}

export function writtenLead(leadId: string, { state, revision }: { state: Lead; revision: number }): Written<LeadView> {
  if (state.status === 'none') throw new LeadNotFound(leadId);
  return {
    view: leadViewOf(state, revision),
    revision,
    position: positionIn(leadListProjection, leadId, streamOf(leadAggregate, leadId), revision),
  };
}

/** A person whose key is gone (erased with the contact the lead became, or before LeadErased) is absent, not null. */
function leadViewOf(state: Exclude<Lead, { status: 'none' }>, revision: number): LeadView {
  if (state.status === 'erased') return { ...state, revision };
  const { person, ...lead } = state;
  return { ...lead, ...(person !== null && { person }), revision };
}
