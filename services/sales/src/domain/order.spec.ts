import { spec } from '@crm/eventsourcing/testing';
import { OrderPlaced, type OrderEvent, type OrderPlacedData } from '@crm/contracts';
import { AmountOverflow, UnknownCurrency } from './money';
import {
  DiscountExceedsLine,
  InvalidOrderValue,
  InvalidQuantity,
  NoPriceInCurrency,
  OrderAlreadyExists,
  OrderAlreadyPaid,
  OrderCancelledError,
  OrderDealNotFound,
  OrderDealNotWon,
  OrderDealOfAnotherCustomer,
  orderDecider,
  OrderFullyRefunded,
  OrderNotFound,
  OrderNotPaid,
  PaidOrderNotCancellable,
  RefundExceedsLine,
  refundOfUnits,
  RetiredProductOrdered,
  UnknownOrderLine,
  UnknownProduct,
  type DealSnapshot,
  type OrderCommand,
  type OrderLineRequest,
} from './order';
import type { ProductSnapshot } from './product';

const example = OrderPlaced.example;
const { orderId, contactId } = example;
const [engineLine, cardsLine] = example.lines;
const t = (day: number) => `2026-01-${String(day).padStart(2, '0')}T10:00:00.000Z`;
const lineId = (n: number) => `0193a1c2-6e00-7a10-8b20-${String(n).padStart(12, '0')}`;

const engine: ProductSnapshot = {
  productId: engineLine.productId,
  sku: engineLine.sku,
  name: engineLine.name,
  active: true,
  prices: [
    { currency: 'EUR', amountMinor: 1999 },
    { currency: 'GBP', amountMinor: 1700 },
  ],
};
const cards: ProductSnapshot = {
  productId: cardsLine.productId,
  sku: cardsLine.sku,
  name: cardsLine.name,
  active: true,
  prices: [{ currency: 'EUR', amountMinor: 4900 }],
};
const lamp: ProductSnapshot = {
  productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a72',
  sku: 'LAMP-OIL',
  name: 'Oil lamp',
  active: true,
  prices: [{ currency: 'GBP', amountMinor: 1250 }],
};
const retiredEngine: ProductSnapshot = {
  productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a73',
  sku: 'ENG-ANALYTICAL',
  name: 'Analytical Engine',
  active: false,
  prices: [{ currency: 'EUR', amountMinor: 100_000 }],
};
const catalog = [engine, cards, lamp, retiredEngine];

const line = (n: number, product: ProductSnapshot, quantity: number, extra: Partial<OrderLineRequest> = {}) => ({
  lineId: lineId(n),
  productId: product.productId,
  quantity,
  ...extra,
});
const place = (lines: OrderLineRequest[], currency = 'EUR'): OrderCommand => ({
  type: 'PlaceOrder',
  data: { orderId, contactId, currency, lines, products: catalog, now: t(1) },
});
const placed = (data: Omit<OrderPlacedData, 'orderId' | 'contactId' | 'at'>): OrderEvent => ({
  type: 'OrderPlaced',
  data: { orderId, contactId, ...data, at: t(1) },
});
/** The example order of the contract: three engines at 10 % off and a box of cards at 5.00 off, 97.97 in all. */
const exampleOrder: OrderEvent = { type: 'OrderPlaced', data: example };
const stateAfter = (events: OrderEvent[]) => events.reduce(orderDecider.evolve, orderDecider.initialState);

const pay: OrderCommand = { type: 'PayOrder', data: { orderId, now: t(2) } };
const paid: OrderEvent = { type: 'OrderPaid', data: { orderId, contactId, amountMinor: 9797, currency: 'EUR', at: t(2) } };
const fulfill: OrderCommand = { type: 'FulfillOrder', data: { orderId, now: t(3) } };
const fulfilled: OrderEvent = { type: 'OrderFulfilled', data: { orderId, contactId, at: t(3) } };
const cancel = (reason = 'duplicate order'): OrderCommand => ({ type: 'CancelOrder', data: { orderId, reason, now: t(2) } });
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId, contactId, reason: 'duplicate order', at: t(2) } };
const refundId = (n: number) => `0193a1c2-7000-7a10-8b20-${String(n).padStart(12, '0')}`;
const refund = (n: number, lines: { lineId: string; quantity: number }[], reason?: string): OrderCommand => ({
  type: 'RefundOrder',
  data: { orderId, refundId: refundId(n), lines, ...(reason !== undefined && { reason }), now: t(4) },
});
const refunded = (
  n: number,
  lines: { lineId: string; quantity: number; amountMinor: number }[],
  reason?: string,
): OrderEvent => ({
  type: 'OrderRefunded',
  data: {
    orderId,
    contactId,
    refundId: refundId(n),
    lines,
    amountMinor: lines.reduce((total, refundLine) => total + refundLine.amountMinor, 0),
    currency: 'EUR',
    ...(reason !== undefined && { reason }),
    at: t(4),
  },
});

describe('Placing an order', () => {
  it('prices each line from the product in the order’s currency, less its discount, and adds the lines up', () => {
    spec(orderDecider)
      .given([])
      .when({
        type: 'PlaceOrder',
        data: {
          orderId,
          contactId,
          dealId: example.dealId,
          deal: { contactId, status: 'won' },
          currency: 'EUR',
          lines: [
            { lineId: engineLine.lineId, productId: engine.productId, quantity: 3, discount: { basisPoints: 1000 } },
            { lineId: cardsLine.lineId, productId: cards.productId, quantity: 1, discount: { amountMinor: 500 } },
          ],
          products: catalog,
          now: example.at,
        },
      })
      .then([exampleOrder]);
  });

  describe('of a deal', () => {
    const ofDeal = (deal?: DealSnapshot): OrderCommand => {
      const command = place([line(1, engine, 1)]);
      return { ...command, data: { ...command.data, dealId: example.dealId, ...(deal && { deal }) } } as OrderCommand;
    };

    it('is refused while the deal is open or after it was lost: only a won deal produces an order', () => {
      spec(orderDecider)
        .given([])
        .when(ofDeal({ contactId, status: 'open' }))
        .thenThrows(OrderDealNotWon, 'is open');
      spec(orderDecider)
        .given([])
        .when(ofDeal({ contactId, status: 'lost' }))
        .thenThrows(OrderDealNotWon, 'is lost');
    });

    it('is refused when the deal does not exist, or is with another customer', () => {
      spec(orderDecider).given([]).when(ofDeal()).thenThrows(OrderDealNotFound, example.dealId);
      spec(orderDecider)
        .given([])
        .when(ofDeal({ contactId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c9999', status: 'won' }))
        .thenThrows(OrderDealOfAnotherCustomer, 'not with the order');
    });
  });

  it('takes the unit price a line gives over the product’s, even where the product has none in that currency', () => {
    spec(orderDecider)
      .given([])
      .when(place([line(1, engine, 2, { unitPriceMinor: 1500 }), line(2, lamp, 1, { unitPriceMinor: 1400 })]))
      .then([
        placed({
          currency: 'EUR',
          lines: [
            {
              lineId: lineId(1),
              productId: engine.productId,
              sku: engine.sku,
              name: engine.name,
              quantity: 2,
              unitPriceMinor: 1500,
              discountMinor: 0,
              totalMinor: 3000,
            },
            {
              lineId: lineId(2),
              productId: lamp.productId,
              sku: lamp.sku,
              name: lamp.name,
              quantity: 1,
              unitPriceMinor: 1400,
              discountMinor: 0,
              totalMinor: 1400,
            },
          ],
          subtotalMinor: 4400,
          discountMinor: 0,
          totalMinor: 4400,
        }),
      ]);
  });

  it('rounds a percentage discount half up to a whole minor unit, and lets a discount take the whole line', () => {
    const discountOf = (command: OrderCommand) => {
      const [event] = orderDecider.decide(command, orderDecider.initialState);
      const data = event.data as OrderPlacedData;
      return [data.lines[0].discountMinor, data.lines[0].totalMinor, data.discountMinor, data.totalMinor];
    };
    // 12.5 % of 12.50 is 1.5625: 1.56; of 9.99, 1.24875: 1.25.
    expect(discountOf(place([line(1, lamp, 1, { discount: { basisPoints: 1250 } })], 'GBP'))).toEqual([156, 1094, 156, 1094]);
    expect(discountOf(place([line(1, lamp, 1, { unitPriceMinor: 999, discount: { basisPoints: 1250 } })], 'GBP'))).toEqual([
      125, 874, 125, 874,
    ]);
    // Half a minor unit goes up: 50 % of 0.01.
    expect(discountOf(place([line(1, lamp, 1, { unitPriceMinor: 1, discount: { basisPoints: 5000 } })], 'GBP'))).toEqual([
      1, 0, 1, 0,
    ]);
    expect(discountOf(place([line(1, lamp, 3, { discount: { basisPoints: 10_000 } })], 'GBP'))).toEqual([3750, 0, 3750, 0]);
    expect(discountOf(place([line(1, lamp, 3, { discount: { amountMinor: 3750 } })], 'GBP'))).toEqual([3750, 0, 3750, 0]);
  });

  it('refuses a currency not in use', () => {
    spec(orderDecider)
      .given([])
      .when(place([line(1, engine, 1)], 'XXX'))
      .thenThrows(UnknownCurrency, 'XXX');
  });

  it('refuses a line of a retired product, of a product that does not exist, or without a price in the currency, naming the line', () => {
    spec(orderDecider)
      .given([])
      .when(place([line(1, engine, 1), line(2, retiredEngine, 1, { unitPriceMinor: 1 })]))
      .thenThrows(RetiredProductOrdered, 'lines[1].productId: product ENG-ANALYTICAL is retired');
    spec(orderDecider)
      .given([])
      .when(place([line(1, engine, 1), line(2, { ...lamp, productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a99' }, 1)]))
      .thenThrows(UnknownProduct, 'lines[1].productId');
    spec(orderDecider)
      .given([])
      .when(place([line(1, engine, 1), line(2, cards, 1), line(3, lamp, 1)]))
      .thenThrows(NoPriceInCurrency, 'lines[2].unitPriceMinor: product LAMP-OIL has no price in EUR');
  });

  it('refuses a quantity that is not a whole number of units from 1 to 1,000,000, naming the line', () => {
    for (const quantity of [0, -1, 1.5, Number.NaN, 1_000_001]) {
      spec(orderDecider)
        .given([])
        .when(place([line(1, engine, 1), line(2, cards, 1), line(3, engine, quantity)]))
        .thenThrows(InvalidQuantity, 'lines[2].quantity');
    }
  });

  it('refuses a discount above the line’s subtotal, naming it', () => {
    spec(orderDecider)
      .given([])
      .when(place([line(1, cards, 2, { discount: { amountMinor: 9801 } })]))
      .thenThrows(DiscountExceedsLine, 'lines[0].discount.amountMinor');
    spec(orderDecider)
      .given([])
      .when(place([line(1, cards, 2, { discount: { basisPoints: 10_001 } })]))
      .thenThrows(DiscountExceedsLine, 'lines[0].discount.basisPoints');
    spec(orderDecider)
      .given([])
      .when(place([line(1, cards, 2, { discount: { basisPoints: 12.5 } })]))
      .thenThrows(InvalidOrderValue, 'lines[0].discount.basisPoints');
  });

  it('refuses amounts beyond what every consumer reads exactly (2^53 − 1 minor units), naming the line or the total', () => {
    const half = Math.ceil(Number.MAX_SAFE_INTEGER / 2);
    spec(orderDecider)
      .given([])
      .when(place([line(1, engine, 1), line(2, cards, 2, { unitPriceMinor: half })]))
      .thenThrows(AmountOverflow, 'lines[1] exceeds');
    spec(orderDecider)
      .given([])
      .when(place([line(1, engine, 1, { unitPriceMinor: half }), line(2, cards, 1, { unitPriceMinor: half })]))
      .thenThrows(AmountOverflow, 'subtotalMinor exceeds');
    spec(orderDecider)
      .given([])
      .when(place([line(1, engine, 1, { unitPriceMinor: 19.99 })]))
      .thenThrows(InvalidOrderValue, 'lines[0].unitPriceMinor');
  });

  it('wants 1 to 500 lines, each with its own id', () => {
    spec(orderDecider).given([]).when(place([])).thenThrows(InvalidOrderValue, 'lines: an order has 1 to 500 lines');
    const many = Array.from({ length: 501 }, (_, index) => line(index, engine, 1));
    spec(orderDecider).given([]).when(place(many)).thenThrows(InvalidOrderValue, 'lines: an order has 1 to 500 lines');
    spec(orderDecider)
      .given([])
      .when(place([line(1, engine, 1), line(1, cards, 1)]))
      .thenThrows(InvalidOrderValue, 'lines[1].lineId');
  });

  it('is placed once', () => {
    spec(orderDecider)
      .given([exampleOrder])
      .when(place([line(1, engine, 1)]))
      .thenThrows(OrderAlreadyExists);
  });
});

describe('Paying, fulfilling and cancelling an order', () => {
  it('is paid once, in full', () => {
    spec(orderDecider).given([exampleOrder]).when(pay).then([paid]);
    spec(orderDecider).given([exampleOrder, paid]).when(pay).thenThrows(OrderAlreadyPaid);
    spec(orderDecider).given([exampleOrder, paid, fulfilled]).when(pay).thenThrows(OrderAlreadyPaid);
    spec(orderDecider).given([exampleOrder, cancelled]).when(pay).thenThrows(OrderCancelledError);
  });

  it('is fulfilled once it is paid, and fulfilling it again changes nothing', () => {
    spec(orderDecider).given([exampleOrder]).when(fulfill).thenThrows(OrderNotPaid, 'cannot be fulfilled');
    spec(orderDecider).given([exampleOrder, paid]).when(fulfill).then([fulfilled]);
    spec(orderDecider).given([exampleOrder, paid, fulfilled]).when(fulfill).then([]);
    spec(orderDecider).given([exampleOrder, cancelled]).when(fulfill).thenThrows(OrderCancelledError);
  });

  it('is cancelled while unpaid, once; a paid order is refunded instead', () => {
    spec(orderDecider).given([exampleOrder]).when(cancel(' duplicate order ')).then([cancelled]);
    spec(orderDecider).given([exampleOrder, cancelled]).when(cancel()).then([]);
    spec(orderDecider).given([exampleOrder, paid]).when(cancel()).thenThrows(PaidOrderNotCancellable, 'refund it instead');
    spec(orderDecider).given([exampleOrder, paid, fulfilled]).when(cancel()).thenThrows(PaidOrderNotCancellable);
    spec(orderDecider).given([exampleOrder]).when(cancel('  ')).thenThrows(InvalidOrderValue, 'reason');
  });

  it('must exist', () => {
    for (const command of [pay, fulfill, cancel(), refund(1, [{ lineId: engineLine.lineId, quantity: 1 }])]) {
      spec(orderDecider).given([]).when(command).thenThrows(OrderNotFound);
    }
  });
});

describe('Refunding an order', () => {
  const engines = (quantity: number) => ({ lineId: engineLine.lineId, quantity });
  const box = { lineId: cardsLine.lineId, quantity: 1 };

  it('gives back units of lines at their price per unit after the discount', () => {
    // Three engines at 10 % off are 53.97: 17.99 a unit, no remainder.
    spec(orderDecider)
      .given([exampleOrder, paid])
      .when(refund(1, [engines(1), box], 'damaged in transit'))
      .then([
        refunded(
          1,
          [
            { ...engines(1), amountMinor: 1799 },
            { ...box, amountMinor: 4400 },
          ],
          'damaged in transit',
        ),
      ]);
  });

  it('gives back exactly the line total once every unit is refunded, however the units were split', () => {
    // 10.00 for three: 3.33, 3.33 and 3.34.
    const threeForTen = placed({
      currency: 'EUR',
      lines: [
        {
          lineId: lineId(1),
          productId: lamp.productId,
          sku: lamp.sku,
          name: lamp.name,
          quantity: 3,
          unitPriceMinor: 1000,
          discount: { amountMinor: 2000 },
          discountMinor: 2000,
          totalMinor: 1000,
        },
      ],
      subtotalMinor: 3000,
      discountMinor: 2000,
      totalMinor: 1000,
    });
    const paidTen: OrderEvent = { type: 'OrderPaid', data: { orderId, contactId, amountMinor: 1000, currency: 'EUR', at: t(2) } };
    const units = (quantity: number) => ({ lineId: lineId(1), quantity });
    spec(orderDecider)
      .given([threeForTen, paidTen])
      .when(refund(1, [units(2)]))
      .then([refunded(1, [{ ...units(2), amountMinor: 666 }])]);
    spec(orderDecider)
      .given([threeForTen, paidTen, refunded(1, [{ ...units(2), amountMinor: 666 }])])
      .when(refund(2, [units(1)]))
      .then([refunded(2, [{ ...units(1), amountMinor: 334 }])]);
    spec(orderDecider)
      .given([threeForTen, paidTen])
      .when(refund(1, [units(3)]))
      .then([refunded(1, [{ ...units(3), amountMinor: 1000 }])]);
  });

  it('refunds no more units of a line than are left to refund', () => {
    spec(orderDecider)
      .given([exampleOrder, paid, refunded(1, [{ ...engines(2), amountMinor: 3598 }])])
      .when(refund(2, [box, engines(2)]))
      .thenThrows(RefundExceedsLine, 'lines[1].quantity: 2 units asked, 1 of line');
  });

  it('refuses a line the order does not have, a line named twice and a quantity that is no whole number of units', () => {
    spec(orderDecider)
      .given([exampleOrder, paid])
      .when(refund(1, [engines(1), { lineId: lineId(99), quantity: 1 }]))
      .thenThrows(UnknownOrderLine, 'lines[1].lineId');
    spec(orderDecider)
      .given([exampleOrder, paid])
      .when(refund(1, [engines(1), engines(1)]))
      .thenThrows(InvalidOrderValue, 'lines[1].lineId');
    spec(orderDecider)
      .given([exampleOrder, paid])
      .when(refund(1, [engines(0)]))
      .thenThrows(InvalidQuantity, 'lines[0].quantity');
    spec(orderDecider).given([exampleOrder, paid]).when(refund(1, [])).thenThrows(InvalidOrderValue, 'lines');
  });

  it('refunds paid orders only, fulfilled or not', () => {
    spec(orderDecider)
      .given([exampleOrder])
      .when(refund(1, [box]))
      .thenThrows(OrderNotPaid, 'cannot be refunded');
    spec(orderDecider)
      .given([exampleOrder, cancelled])
      .when(refund(1, [box]))
      .thenThrows(OrderCancelledError);
    spec(orderDecider)
      .given([exampleOrder, paid, fulfilled])
      .when(refund(1, [box]))
      .then([refunded(1, [{ ...box, amountMinor: 4400 }])]);
  });

  it('refunds nothing more for a retried refund', () => {
    spec(orderDecider)
      .given([exampleOrder, paid, refunded(1, [{ ...box, amountMinor: 4400 }])])
      .when(refund(1, [box]))
      .then([]);
  });

  it('leaves a partly refunded order its status, and makes a fully refunded one `refunded`', () => {
    const partly = [exampleOrder, paid, fulfilled, refunded(1, [{ ...box, amountMinor: 4400 }])];
    expect(stateAfter(partly)).toMatchObject({ status: 'fulfilled', refundedMinor: 4400 });
    const fully = [...partly, refunded(2, [{ ...engines(3), amountMinor: 5397 }])];
    expect(stateAfter(fully)).toMatchObject({ status: 'refunded', refundedMinor: 9797 });
    spec(orderDecider)
      .given(fully)
      .when(refund(3, [box]))
      .thenThrows(OrderFullyRefunded);
    // Fulfilled before it was refunded: fulfilling it again changes nothing; never fulfilled: it cannot be now.
    spec(orderDecider).given(fully).when(fulfill).then([]);
    spec(orderDecider)
      .given([
        exampleOrder,
        paid,
        refunded(1, [
          { ...box, amountMinor: 4400 },
          { ...engines(3), amountMinor: 5397 },
        ]),
      ])
      .when(fulfill)
      .thenThrows(OrderFullyRefunded);
  });
});

describe('refundOfUnits', () => {
  it('adds up to the line total for any total and quantity, however the units are split across refunds', () => {
    // Refunded in three steps: one unit, all but one, the last one.
    for (const [totalMinor, quantity] of [
      [1000, 3],
      [1, 7],
      [0, 4],
      [5397, 3],
      [Number.MAX_SAFE_INTEGER, 1_000_000],
    ]) {
      let line = { lineId: 'l', quantity, totalMinor, refundedQuantity: 0 };
      let given = 0;
      for (const units of [1, quantity - 2, 1]) {
        given += refundOfUnits(line, units, 'amountMinor');
        line = { ...line, refundedQuantity: line.refundedQuantity + units };
      }
      expect(given).toBe(totalMinor);
    }
  });
});
