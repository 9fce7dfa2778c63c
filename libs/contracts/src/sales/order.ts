import { Type, type Static } from '@sinclair/typebox';
import { Closed, OneOf, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
import { CurrencyCode, MinorAmount } from './money';
import { MAX_PRODUCT_NAME_LENGTH, skuSchema } from './product';

export const ORDER_STATUSES = ['placed', 'paid', 'fulfilled', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const MAX_ORDER_LINES = 500;
export const MAX_LINE_QUANTITY = 1_000_000;
/** 10,000 basis points are the whole line. */
export const MAX_DISCOUNT_BASIS_POINTS = 10_000;

const orderId = Uuid({ description: 'The order.' });
const contactId = Uuid({ description: 'The customer who placed the order; it never changes.' });
const lineId = Uuid({ description: 'The order line, as refunds name it.' });
const lineQuantity = Type.Integer({ minimum: 1, maximum: MAX_LINE_QUANTITY });

export const lineDiscountSchema = OneOf(
  [
    Closed({
      basisPoints: Type.Integer({
        minimum: 0,
        maximum: MAX_DISCOUNT_BASIS_POINTS,
        description: 'Ten-thousandths of the line subtotal: 1250 is 12.5 %.',
      }),
    }),
    Closed({ amountMinor: MinorAmount({ description: 'A fixed amount off the line, at most its subtotal.' }) }),
  ],
  { description: 'The discount as it was given: a percentage in basis points, or a fixed amount.' },
);
export type LineDiscount = Static<typeof lineDiscountSchema>;

export const orderLineSchema = Closed({
  lineId,
  productId: Uuid({ description: 'The product ordered.' }),
  sku: skuSchema,
  name: Type.String({
    minLength: 1,
    maxLength: MAX_PRODUCT_NAME_LENGTH,
    description: "The product's name when the order was placed.",
  }),
  quantity: lineQuantity,
  unitPriceMinor: MinorAmount({ description: 'The price of one unit before the discount.' }),
  discount: Type.Optional(lineDiscountSchema),
  discountMinor: MinorAmount({
    description: 'What the discount takes off the line: a percentage rounded half up to a whole minor unit.',
  }),
  totalMinor: MinorAmount({ description: 'unitPriceMinor × quantity − discountMinor.' }),
});
export type OrderLine = Static<typeof orderLineSchema>;

export const OrderPlaced = defineEvent({
  service: 'sales',
  name: 'OrderPlaced',
  version: 1,
  description:
    'A customer placed an order: its lines with the product, SKU and name as they were then, quantities, unit ' +
    'prices and discounts, and the totals, all in minor units of the one currency of the order. subtotalMinor, ' +
    'discountMinor and totalMinor are the sums of the lines’ subtotals, discounts and totals.',
  customerIdField: 'contactId',
  timeline: { category: 'sales', title: 'Order placed' },
  schema: Closed({
    orderId,
    contactId,
    dealId: Type.Optional(Uuid({ description: 'The won deal the order came from, if any.' })),
    currency: CurrencyCode(),
    lines: Type.Array(orderLineSchema, { minItems: 1, maxItems: MAX_ORDER_LINES }),
    subtotalMinor: MinorAmount({ description: 'The lines before their discounts.' }),
    discountMinor: MinorAmount({ description: 'The discounts of the lines.' }),
    totalMinor: MinorAmount({ description: 'What the customer pays: subtotalMinor − discountMinor.' }),
    at: UtcTimestamp({ description: 'When it was placed.' }),
  }),
  example: {
    orderId: '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a81',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    dealId: '0193a1c2-6000-7a10-8b20-3c4d5e6f7a10',
    currency: 'EUR',
    lines: [
      {
        lineId: '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a82',
        productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a70',
        sku: 'ENG-DIFF-2',
        name: 'Difference Engine No. 2',
        quantity: 3,
        unitPriceMinor: 1999,
        discount: { basisPoints: 1000 },
        discountMinor: 600,
        totalMinor: 5397,
      },
      {
        lineId: '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a83',
        productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a71',
        sku: 'CARD-PUNCH-100',
        name: 'Punched cards, box of 100',
        quantity: 1,
        unitPriceMinor: 4900,
        discount: { amountMinor: 500 },
        discountMinor: 500,
        totalMinor: 4400,
      },
    ],
    subtotalMinor: 10897,
    discountMinor: 1100,
    totalMinor: 9797,
    at: '2025-02-10T14:00:00.000Z',
  },
});
export type OrderPlacedData = DataOf<typeof OrderPlaced>;

export const OrderPaid = defineEvent({
  service: 'sales',
  name: 'OrderPaid',
  version: 1,
  description: 'A placed order was paid in full: amountMinor is its total.',
  customerIdField: 'contactId',
  timeline: { category: 'sales', title: 'Order paid' },
  schema: Closed({
    orderId,
    contactId,
    amountMinor: MinorAmount({ description: 'What was paid: the order total.' }),
    currency: CurrencyCode(),
    at: UtcTimestamp({ description: 'When the payment was recorded.' }),
  }),
  example: {
    orderId: '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a81',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    amountMinor: 9797,
    currency: 'EUR',
    at: '2025-02-10T14:05:00.000Z',
  },
});
export type OrderPaidData = DataOf<typeof OrderPaid>;

export const OrderFulfilled = defineEvent({
  service: 'sales',
  name: 'OrderFulfilled',
  version: 1,
  description: 'A paid order was delivered to the customer.',
  customerIdField: 'contactId',
  timeline: { category: 'sales', title: 'Order fulfilled' },
  schema: Closed({ orderId, contactId, at: UtcTimestamp({ description: 'When it was fulfilled.' }) }),
  example: {
    orderId: '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a81',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    at: '2025-02-12T10:00:00.000Z',
  },
});
export type OrderFulfilledData = DataOf<typeof OrderFulfilled>;

export const OrderCancelled = defineEvent({
  service: 'sales',
  name: 'OrderCancelled',
  version: 1,
  description: 'An order was cancelled before it was paid (a paid order is refunded instead); nothing was charged.',
  customerIdField: 'contactId',
  timeline: { category: 'sales', title: 'Order cancelled' },
  schema: Closed({
    orderId,
    contactId,
    reason: Type.String({ minLength: 1, maxLength: 200, description: 'Why, in a few words: `duplicate order`.' }),
    at: UtcTimestamp({ description: 'When it was cancelled.' }),
  }),
  example: {
    orderId: '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a81',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    reason: 'duplicate order',
    at: '2025-02-10T15:00:00.000Z',
  },
});
export type OrderCancelledData = DataOf<typeof OrderCancelled>;

export const refundLineSchema = Closed({
  lineId,
  quantity: lineQuantity,
  amountMinor: MinorAmount({
    description:
      "The line's price per unit after its discount × quantity, rounded down; the line's last unit refunded gets " +
      'the remainder, so that refunding every unit gives back exactly the line total.',
  }),
});
export type RefundLine = Static<typeof refundLineSchema>;

export const OrderRefunded = defineEvent({
  service: 'sales',
  name: 'OrderRefunded',
  version: 1,
  description:
    'Money was given back for some units of a paid order’s lines: amountMinor is the sum of the lines’ amounts. An ' +
    'order is fully refunded (status `refunded`) when every unit of every line is; until then it keeps its status.',
  customerIdField: 'contactId',
  timeline: { category: 'sales', title: 'Refund issued' },
  schema: Closed({
    orderId,
    contactId,
    refundId: Uuid({ description: 'The refund: a retried refund with the same id refunds nothing more.' }),
    lines: Type.Array(refundLineSchema, { minItems: 1, maxItems: MAX_ORDER_LINES }),
    amountMinor: MinorAmount({ description: 'What was given back.' }),
    currency: CurrencyCode(),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Why, in a few words: `damaged`.' })),
    at: UtcTimestamp({ description: 'When it was refunded.' }),
  }),
  example: {
    orderId: '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a81',
    contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40',
    refundId: '0193a1c2-7000-7a10-8b20-3c4d5e6f7a90',
    lines: [{ lineId: '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a82', quantity: 1, amountMinor: 1799 }],
    amountMinor: 1799,
    currency: 'EUR',
    reason: 'damaged in transit',
    at: '2025-02-20T09:00:00.000Z',
  },
});
export type OrderRefundedData = DataOf<typeof OrderRefunded>;
