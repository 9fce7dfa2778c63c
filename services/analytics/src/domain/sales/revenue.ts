import type { OrderEvent } from '@crm/contracts';
import { instantOf } from './instants';

/** What an order brings in: its lines' totals when paid, less what refunds gave back, each when it happened. */
export interface OrderRevenue {
  orderId: string;
  contactId: string;
  currency: string;
  lines: { lineId: string; productId: string; totalMinor: number }[];
  paidAt?: string;
  refunds: { refundId: string; at: string; lines: { lineId: string; amountMinor: number }[] }[];
}

export function evolveOrderRevenue(order: OrderRevenue | undefined, event: OrderEvent): OrderRevenue | null {
  if (event.type === 'OrderPlaced') {
    const { orderId, contactId, currency, lines } = event.data;
    return {
      orderId,
      contactId,
      currency,
      lines: lines.map(({ lineId, productId, totalMinor }) => ({ lineId, productId, totalMinor })),
      refunds: [],
    };
  }
  // Without its placement (dead-lettered) an order has no lines to count.
  if (!order) return null;
  switch (event.type) {
    case 'OrderPaid':
      return { ...order, paidAt: instantOf(event.data.at) };
    case 'OrderRefunded': {
      const { refundId, lines, at } = event.data;
      // A retried refund carries the same id: it gave nothing more back.
      if (order.refunds.some((refund) => refund.refundId === refundId)) return order;
      const refund = { refundId, at: instantOf(at), lines: lines.map(({ lineId, amountMinor }) => ({ lineId, amountMinor })) };
      return { ...order, refunds: [...order.refunds, refund] };
    }
    // A cancelled order was never paid, a fulfilled one is already counted: neither changes revenue.
    case 'OrderCancelled':
    case 'OrderFulfilled':
      return order;
  }
}

export const REVENUE_GROUPINGS = ['day', 'week', 'month', 'product', 'customer'] as const;
export type RevenueGrouping = (typeof REVENUE_GROUPINGS)[number];

export interface RevenueRequest {
  by: RevenueGrouping;
  /** Payments and refunds at or after this instant. */
  from?: string;
  /** Payments and refunds before this instant. */
  to?: string;
  currency?: string;
}

export interface RevenueRow {
  /** The UTC day (`2025-06-30`), ISO week (`2025-W27`), month (`2025-06`), product id or customer id. */
  key: string;
  currency: string;
  paidMinor: number;
  refundedMinor: number;
  /** paidMinor − refundedMinor: negative when a period's refunds exceed its payments. */
  revenueMinor: number;
}

/** One amount that counts: a paid line (+) or a refunded one (−), when and for whom. */
interface Movement {
  at: string;
  productId: string;
  contactId: string;
  currency: string;
  paid: bigint;
  refunded: bigint;
}

function movementsOf(order: OrderRevenue): Movement[] {
  if (order.paidAt === undefined) return [];
  const productOf = new Map(order.lines.map((line) => [line.lineId, line.productId]));
  const base = { contactId: order.contactId, currency: order.currency };
  return [
    ...order.lines.map((line) => ({
      ...base,
      at: order.paidAt!,
      productId: line.productId,
      paid: BigInt(line.totalMinor),
      refunded: 0n,
    })),
    ...order.refunds.flatMap((refund) =>
      refund.lines.map((line) => ({
        ...base,
        at: refund.at,
        productId: productOf.get(line.lineId) ?? '',
        paid: 0n,
        refunded: BigInt(line.amountMinor),
      })),
    ),
  ];
}

/**
 * Revenue: paid orders' line totals at the payment's instant, less refunds at the refund's instant; cancelled or
 * unpaid orders bring nothing. Periods are UTC days, ISO weeks (Monday to Sunday, in the ISO week-numbering year) and
 * months. Rows by key then currency, only those with a payment or refund; amounts in different currencies stay apart.
 */
export function revenueReport(orders: readonly OrderRevenue[], asked: RevenueRequest): RevenueRow[] {
  const request = { ...asked, from: asked.from && instantOf(asked.from), to: asked.to && instantOf(asked.to) };
  const totals = new Map<string, { key: string; currency: string; paid: bigint; refunded: bigint }>();
  for (const movement of orders.flatMap(movementsOf)) {
    if (request.currency !== undefined && movement.currency !== request.currency) continue;
    if (request.from !== undefined && movement.at < request.from) continue;
    if (request.to !== undefined && movement.at >= request.to) continue;
    const key = keyOf(movement, request.by);
    const id = `${key} ${movement.currency}`;
    const total = totals.get(id) ?? { key, currency: movement.currency, paid: 0n, refunded: 0n };
    totals.set(id, { ...total, paid: total.paid + movement.paid, refunded: total.refunded + movement.refunded });
  }
  return [...totals.values()]
    .sort((a, b) => (a.key === b.key ? (a.currency < b.currency ? -1 : 1) : a.key < b.key ? -1 : 1))
    .map(({ key, currency, paid, refunded }) => ({
      key,
      currency,
      paidMinor: Number(paid),
      refundedMinor: Number(refunded),
      revenueMinor: Number(paid - refunded),
    }));
}

function keyOf(movement: Movement, by: RevenueGrouping): string {
  switch (by) {
    case 'day':
      return movement.at.slice(0, 10);
    case 'month':
      return movement.at.slice(0, 7);
    case 'week':
      return isoWeekOf(movement.at);
    case 'product':
      return movement.productId;
    case 'customer':
      return movement.contactId;
  }
}

/** The ISO 8601 week of a UTC instant: `2025-W01`; the week belongs to the year of its Thursday. */
export function isoWeekOf(instant: string): string {
  const day = new Date(`${instant.slice(0, 10)}T00:00:00.000Z`);
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(day.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstMonday = firstThursday.getTime() - ((firstThursday.getUTCDay() + 6) % 7) * 86_400_000;
  const week = Math.floor((thursday.getTime() - firstMonday) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
