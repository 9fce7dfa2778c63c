import { OrderCancelled, OrderFulfilled, OrderPaid, OrderPlaced, OrderRefunded } from '@crm/contracts';
import { projectionSpec } from '@crm/projections/testing';
import { unindexedQueries } from '@crm/read-api';
import { purchaseHistoryProjection, purchaseHistoryQuery, type PurchaseHistoryEntry } from './purchase-history';

const { orderId, contactId } = OrderPlaced.example;
const [engines, cards] = OrderPlaced.example.lines;
const placed = { type: 'OrderPlaced', data: OrderPlaced.example };
const paid = { type: 'OrderPaid', data: OrderPaid.example };
const fulfilled = { type: 'OrderFulfilled', data: OrderFulfilled.example };
/** One of the three engines back: 17.99. */
const oneEngineBack = { type: 'OrderRefunded', data: OrderRefunded.example };
const restBack = {
  type: 'OrderRefunded',
  data: {
    ...OrderRefunded.example,
    refundId: '0193a1c2-7000-7a10-8b20-3c4d5e6f7a91',
    lines: [
      { lineId: engines.lineId, quantity: 2, amountMinor: 3598 },
      { lineId: cards.lineId, quantity: 1, amountMinor: 4400 },
    ],
    amountMinor: 7998,
    at: '2025-03-01T09:00:00.000Z',
  },
};

const entry: PurchaseHistoryEntry = {
  orderId,
  contactId,
  dealId: OrderPlaced.example.dealId,
  status: 'placed',
  currency: 'EUR',
  subtotalMinor: 10897,
  discountMinor: 1100,
  totalMinor: 9797,
  refundedMinor: 0,
  lines: [
    { ...engines, refundedQuantity: 0 },
    { ...cards, refundedQuantity: 0 },
  ],
  placedAt: OrderPlaced.example.at,
};

describe('purchase history', () => {
  it('holds one entry per order: the customer, the lines with SKU, name and quantity, and the totals', () => {
    projectionSpec(purchaseHistoryProjection)
      .given([placed])
      .then({ [orderId]: entry });
  });

  it('dates the payment and the fulfilment', () => {
    projectionSpec(purchaseHistoryProjection)
      .given([placed, paid, fulfilled])
      .thenDocument(orderId, {
        ...entry,
        status: 'fulfilled',
        paidAt: OrderPaid.example.at,
        fulfilledAt: OrderFulfilled.example.at,
      });
  });

  it('adds up refunds per line and in all; a partly refunded order keeps its status, a fully refunded one is `refunded`', () => {
    const partly = {
      ...entry,
      status: 'fulfilled' as const,
      paidAt: OrderPaid.example.at,
      fulfilledAt: OrderFulfilled.example.at,
      refundedMinor: 1799,
      lines: [
        { ...engines, refundedQuantity: 1 },
        { ...cards, refundedQuantity: 0 },
      ],
    };
    projectionSpec(purchaseHistoryProjection).given([placed, paid, fulfilled, oneEngineBack]).thenDocument(orderId, partly);
    projectionSpec(purchaseHistoryProjection)
      .given([placed, paid, fulfilled, oneEngineBack, restBack])
      .thenDocument(orderId, {
        ...partly,
        status: 'refunded',
        refundedMinor: 9797,
        lines: [
          { ...engines, refundedQuantity: 3 },
          { ...cards, refundedQuantity: 1 },
        ],
      });
  });

  it('shows a cancelled order as cancelled, when it was', () => {
    projectionSpec(purchaseHistoryProjection)
      .given([placed, { type: 'OrderCancelled', data: OrderCancelled.example }])
      .thenDocument(orderId, { ...entry, status: 'cancelled', cancelledAt: OrderCancelled.example.at });
  });

  it('makes no entry from an order event without the order placed', () => {
    projectionSpec(purchaseHistoryProjection).given([paid]).thenNoDocument(orderId);
  });

  it('lists a customer’s orders by time through its index, whatever the filter', () => {
    expect(
      unindexedQueries(purchaseHistoryQuery.compiled, purchaseHistoryProjection.indexes ?? [], purchaseHistoryQuery.scope),
    ).toEqual([]);
    expect(purchaseHistoryProjection.indexes).toEqual([{ fields: { contactId: 1, placedAt: -1, _id: -1 } }]);
  });
});
