import {
  ORDER_STATUSES,
  OrderCancelled,
  OrderFulfilled,
  OrderPaid,
  OrderPlaced,
  OrderRefunded,
  type OrderEvent,
  type OrderLine,
  type OrderStatus,
} from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { defineListQuery } from '@crm/read-api';
import { sum } from '../../domain/money';
import { isFullyRefunded } from '../../domain/order';

/** A line of a purchase as the history shows it: what was bought, for how much, and how many units went back. */
export type PurchaseHistoryLine = OrderLine & { refundedQuantity: number };

/** One order of a customer, in minor units of its currency; no personal data (the customer is an id). */
export interface PurchaseHistoryEntry {
  orderId: string;
  contactId: string;
  dealId?: string;
  status: OrderStatus;
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  refundedMinor: number;
  lines: PurchaseHistoryLine[];
  placedAt: string;
  paidAt?: string;
  fulfilledAt?: string;
  cancelledAt?: string;
}

export function evolvePurchaseHistoryEntry(
  doc: PurchaseHistoryEntry | undefined,
  event: OrderEvent,
): PurchaseHistoryEntry | null {
  if (event.type === 'OrderPlaced') {
    const { orderId, contactId, dealId, currency, subtotalMinor, discountMinor, totalMinor, at } = event.data;
    const lines = event.data.lines.map((line) => ({ ...line, refundedQuantity: 0 }));
    return {
      orderId,
      contactId,
      ...(dealId !== undefined && { dealId }),
      status: 'placed',
      currency,
      subtotalMinor,
      discountMinor,
      totalMinor,
      refundedMinor: 0,
      lines,
      placedAt: at,
    };
  }
  // The order's stream starts with OrderPlaced: without it there is nothing to update.
  if (!doc) return null;
  switch (event.type) {
    case 'OrderPaid':
      return { ...doc, status: 'paid', paidAt: event.data.at };
    case 'OrderFulfilled':
      return { ...doc, status: 'fulfilled', fulfilledAt: event.data.at };
    case 'OrderCancelled':
      return { ...doc, status: 'cancelled', cancelledAt: event.data.at };
    case 'OrderRefunded': {
      const refunded = new Map(event.data.lines.map((line) => [line.lineId, line.quantity]));
      const lines = doc.lines.map((line) => ({
        ...line,
        refundedQuantity: line.refundedQuantity + (refunded.get(line.lineId) ?? 0),
      }));
      // The order's rule (domain/order.ts): refunded once every unit is, else its status stays.
      const status = isFullyRefunded(lines) ? 'refunded' : doc.status;
      return { ...doc, status, lines, refundedMinor: sum([doc.refundedMinor, event.data.amountMinor], 'refundedMinor') };
    }
  }
}

export const purchaseHistoryProjection = defineProjection({
  name: 'purchase-history',
  collection: 'purchase_history',
  handles: [OrderPlaced, OrderPaid, OrderFulfilled, OrderCancelled, OrderRefunded],
  documentId: (event) => event.data.orderId,
  evolve: evolvePurchaseHistoryEntry,
  // A customer's orders, newest first; every filter of the list below is within one customer.
  indexes: [{ fields: { contactId: 1, placedAt: -1, _id: -1 } }],
});

/** What a customer's purchase history filters and sorts on. */
export const purchaseHistoryQuery = defineListQuery({
  readModel: purchaseHistoryProjection,
  // The endpoint reads one customer's orders: its index starts with the customer.
  scope: ['contactId'],
  fields: {
    status: { type: 'enum', values: ORDER_STATUSES },
    currency: { type: 'string', operators: ['eq', 'in'] },
    productId: { type: 'uuid', path: 'lines.productId', array: true, description: 'Orders with a line of this product.' },
    placedAt: { type: 'date-time' },
    paidAt: { type: 'date-time' },
  },
  sortable: ['placedAt'],
  defaultSort: '-placedAt',
});
