import type { DealEvent, Money, OrderEvent } from '@crm/contracts';

/**
 * What analytics keeps of one customer's orders and deals, from the sales events naming the contact: enough to say
 * what the customer bought and is negotiating, whatever happened to each order since (refunds name lines, so the
 * lines are kept). Facts are derived from it when read, so that a merge combines the records of several contacts.
 *
 * The rules (docs/analytics.md, "Sales facts"):
 * - a **purchase** is a paid order that is not fully refunded: placed-only and cancelled orders bought nothing;
 * - the **lifetime value** per currency is what paid orders brought in minus what was refunded on them, in minor units;
 * - a product is **bought** in the units of paid orders' lines not refunded; a purchase is dated when it was paid.
 */
export interface SalesRecord {
  orders: Record<string, OrderState>;
  deals: Record<string, DealState>;
  /** The products this contact bought (sorted), derived from `orders`: what the "bought X" queries match. */
  boughtProductIds: string[];
}

export interface OrderState {
  currency: string;
  status: 'placed' | 'paid' | 'cancelled';
  paidAt?: string;
  paidMinor: number;
  refundedMinor: number;
  lines: Record<string, OrderLineState>;
}

export interface OrderLineState {
  productId: string;
  sku: string;
  /** The product's name when the order was placed. */
  name: string;
  quantity: number;
  refundedQuantity: number;
}

export interface DealState {
  pipelineId: string;
  stageId: string;
  title: string;
  value: Money;
  status: 'open' | 'won' | 'lost';
  openedAt: string;
  /** When it entered its current stage (opened, moved or reopened). */
  stageEnteredAt: string;
}

export type SalesRecordEvent = OrderEvent | DealEvent;

const SALES_RECORD_EVENTS: ReadonlySet<string> = new Set<SalesRecordEvent['type']>([
  'OrderPlaced',
  'OrderPaid',
  'OrderCancelled',
  'OrderRefunded',
  'DealOpened',
  'DealUpdated',
  'DealStageChanged',
  'DealWon',
  'DealLost',
  'DealReopened',
]);

/** Whether an event changes a customer's sales record (fulfilments and rotting flags do not). */
export const changesSalesRecord = (event: { type: string }): event is SalesRecordEvent => SALES_RECORD_EVENTS.has(event.type);

const emptySalesRecord = (): SalesRecord => ({ orders: {}, deals: {}, boughtProductIds: [] });

/** The next record of a customer: one order or deal changes, and the products bought are derived again. */
export function evolveSalesRecord(record: SalesRecord | undefined, event: SalesRecordEvent): SalesRecord {
  const held = record ?? emptySalesRecord();
  if (isOrderEvent(event)) {
    const { orderId } = event.data;
    const orders = { ...held.orders, [orderId]: evolveOrder(held.orders[orderId], event) };
    return { ...held, orders, boughtProductIds: Object.keys(productsBought(Object.values(orders))).sort() };
  }
  const { dealId } = event.data;
  const deal = evolveDeal(held.deals[dealId], event);
  return deal ? { ...held, deals: { ...held.deals, [dealId]: deal } } : held;
}

// Every order event names its order (OrderPlaced may name a deal too); no deal event names an order.
const isOrderEvent = (event: SalesRecordEvent): event is OrderEvent => 'orderId' in event.data;

function evolveOrder(order: OrderState | undefined, event: OrderEvent): OrderState {
  // An order's events come in the order of its stream (one Kafka key), so only OrderPlaced starts one; the fallback
  // keeps a payment whose placement was dead-lettered rather than losing its money.
  const held = order ?? { currency: '', status: 'placed', paidMinor: 0, refundedMinor: 0, lines: {} };
  switch (event.type) {
    case 'OrderPlaced': {
      const { currency, lines } = event.data;
      const kept = lines.map(({ lineId, productId, sku, name, quantity }) => [
        lineId,
        { productId, sku, name, quantity, refundedQuantity: 0 },
      ]);
      return { ...held, currency, lines: Object.fromEntries(kept) };
    }
    case 'OrderPaid':
      return { ...held, currency: event.data.currency, status: 'paid', paidAt: event.data.at, paidMinor: event.data.amountMinor };
    case 'OrderCancelled':
      return { ...held, status: 'cancelled' };
    case 'OrderRefunded': {
      const lines = { ...held.lines };
      for (const { lineId, quantity } of event.data.lines) {
        const line = lines[lineId];
        if (line) lines[lineId] = { ...line, refundedQuantity: line.refundedQuantity + quantity };
      }
      return { ...held, refundedMinor: held.refundedMinor + event.data.amountMinor, lines };
    }
    default:
      return held;
  }
}

function evolveDeal(deal: DealState | undefined, event: DealEvent): DealState | undefined {
  if (event.type === 'DealOpened') {
    const { pipelineId, stageId, title, value, at } = event.data;
    return { pipelineId, stageId, title, value, status: 'open', openedAt: at, stageEnteredAt: at };
  }
  // Every other event of a deal follows its DealOpened on the same stream.
  if (!deal) return undefined;
  switch (event.type) {
    case 'DealUpdated':
      return {
        ...deal,
        ...(event.data.changes.title !== undefined && { title: event.data.changes.title }),
        ...(event.data.changes.value !== undefined && { value: event.data.changes.value }),
      };
    case 'DealStageChanged':
      return { ...deal, stageId: event.data.toStageId, stageEnteredAt: event.data.at };
    case 'DealWon':
      return { ...deal, status: 'won', value: event.data.value };
    case 'DealLost':
      return { ...deal, status: 'lost' };
    case 'DealReopened':
      return { ...deal, status: 'open', stageId: event.data.stageId, stageEnteredAt: event.data.at };
    default:
      return deal;
  }
}

/** A paid order with some unit not refunded: a fully refunded order is no purchase any more. */
const isPurchase = (order: OrderState): boolean =>
  order.status === 'paid' && Object.values(order.lines).some((line) => line.quantity > line.refundedQuantity);

export interface ProductBought {
  productId: string;
  sku: string;
  /** Its name on the latest order that bought it. */
  name: string;
  /** Units paid for and not refunded. */
  quantity: number;
}

export interface OpenDeal {
  dealId: string;
  pipelineId: string;
  stageId: string;
  title: string;
  value: Money;
  openedAt: string;
  stageEnteredAt: string;
}

/** What a profile shows of a customer's sales, from the records of the customer and the contacts merged into it. */
export interface SalesFacts {
  /** Per currency (sorted by code), paid minus refunded; currencies never paid in are absent. */
  lifetimeValue: Money[];
  /** When the first and the latest purchase were paid. */
  firstPurchaseAt?: string;
  lastPurchaseAt?: string;
  /** Sorted by product id. */
  products: ProductBought[];
  /** Oldest first. */
  openDeals: OpenDeal[];
}

/** Paid and refunded amounts add up past the largest exact integer: a sum that cannot be told exactly. */
export class LifetimeValueOverflow extends Error {
  override readonly name = 'LifetimeValueOverflow';
  constructor(readonly currency: string) {
    super(`The lifetime value in ${currency} exceeds ${Number.MAX_SAFE_INTEGER} minor units`);
  }
}

export function salesFactsOf(records: readonly SalesRecord[]): SalesFacts {
  const orders = records.flatMap((record) => Object.values(record.orders));
  const deals = records.flatMap((record) => Object.entries(record.deals));
  const purchases = orders.filter(isPurchase);
  const paidDates = purchases.map((order) => order.paidAt!).sort();
  return {
    lifetimeValue: lifetimeValueOf(orders),
    ...(paidDates.length > 0 && { firstPurchaseAt: paidDates[0], lastPurchaseAt: paidDates[paidDates.length - 1] }),
    products: productsBoughtOf(records),
    openDeals: deals
      .filter(([, deal]) => deal.status === 'open')
      .map(([dealId, { pipelineId, stageId, title, value, openedAt, stageEnteredAt }]) => ({
        dealId,
        pipelineId,
        stageId,
        title,
        value,
        openedAt,
        stageEnteredAt,
      }))
      .sort((a, b) => compare(a.openedAt, b.openedAt) || compare(a.dealId, b.dealId)),
  };
}

/** The products bought by the contacts of these records (sorted by product id): all that "who bought what" reads. */
export function productsBoughtOf(records: readonly SalesRecord[]): ProductBought[] {
  const orders = records.flatMap((record) => Object.values(record.orders));
  return Object.values(productsBought(orders)).sort((a, b) => compare(a.productId, b.productId));
}

function lifetimeValueOf(orders: readonly OrderState[]): Money[] {
  const byCurrency = new Map<string, number>();
  for (const order of orders) {
    // A refund only follows a payment, so a paid order's refunds never exceed what it brought in.
    if (order.status !== 'paid') continue;
    const total = (byCurrency.get(order.currency) ?? 0) + order.paidMinor - order.refundedMinor;
    if (!Number.isSafeInteger(total)) throw new LifetimeValueOverflow(order.currency);
    byCurrency.set(order.currency, total);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([currency, amountMinor]) => ({ amountMinor, currency }));
}

function productsBought(orders: readonly OrderState[]): Record<string, ProductBought> {
  const products: Record<string, ProductBought & { latest: string }> = {};
  for (const order of orders.filter(isPurchase)) {
    for (const line of Object.values(order.lines)) {
      const units = line.quantity - line.refundedQuantity;
      if (units <= 0) continue;
      const held = products[line.productId];
      const newer = !held || order.paidAt! > held.latest;
      products[line.productId] = {
        productId: line.productId,
        sku: newer ? line.sku : held.sku,
        name: newer ? line.name : held.name,
        quantity: (held?.quantity ?? 0) + units,
        latest: newer ? order.paidAt! : held.latest,
      };
    }
  }
  return Object.fromEntries(Object.entries(products).map(([productId, { latest: _latest, ...product }]) => [productId, product]));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
