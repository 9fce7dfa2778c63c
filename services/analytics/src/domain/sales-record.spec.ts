import type { OrderLine } from '@crm/contracts';
import { ADA } from '../testing/events';
import { evolveProfile, type CustomerProfile } from './customer-profile';
import { evolveSalesRecord, LifetimeValueOverflow, salesFactsOf, type SalesRecord, type SalesRecordEvent } from './sales-record';

const ENGINE = '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a70';
const CARDS = '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a71';
const ORDER = '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a81';
const OTHER_ORDER = '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a91';
const DEAL = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01';
const PIPELINE = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01';
const [QUALIFIED, PROPOSAL] = ['0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01', '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02'];

const line = (lineId: string, productId: string, quantity: number, totalMinor: number): OrderLine => ({
  lineId,
  productId,
  sku: productId === ENGINE ? 'ENG-DIFF-2' : 'CARD-PUNCH-100',
  name: productId === ENGINE ? 'Difference Engine No. 2' : 'Punched cards, box of 100',
  quantity,
  unitPriceMinor: totalMinor / quantity,
  discountMinor: 0,
  totalMinor,
});
const [ENGINE_LINE, CARDS_LINE] = ['0193a1c2-6e00-7a10-8b20-3c4d5e6f7a82', '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a83'];

const placed = (orderId: string, currency: string, lines: OrderLine[], at: string): SalesRecordEvent => {
  const totalMinor = lines.reduce((sum, { totalMinor: lineTotal }) => sum + lineTotal, 0);
  return {
    type: 'OrderPlaced',
    data: { orderId, contactId: ADA, currency, lines, subtotalMinor: totalMinor, discountMinor: 0, totalMinor, at },
  };
};
const paid = (orderId: string, currency: string, amountMinor: number, at: string): SalesRecordEvent => ({
  type: 'OrderPaid',
  data: { orderId, contactId: ADA, amountMinor, currency, at },
});
const refunded = (orderId: string, lines: { lineId: string; quantity: number; amountMinor: number }[]): SalesRecordEvent => ({
  type: 'OrderRefunded',
  data: {
    orderId,
    contactId: ADA,
    refundId: '0193a1c2-7000-7a10-8b20-3c4d5e6f7a90',
    lines,
    amountMinor: lines.reduce((sum, refund) => sum + refund.amountMinor, 0),
    currency: 'EUR',
    at: '2025-03-01T00:00:00.000Z',
  },
});
const cancelled = (orderId: string): SalesRecordEvent => ({
  type: 'OrderCancelled',
  data: { orderId, contactId: ADA, reason: 'duplicate order', at: '2025-02-11T00:00:00.000Z' },
});
const opened: SalesRecordEvent = {
  type: 'DealOpened',
  data: {
    dealId: DEAL,
    pipelineId: PIPELINE,
    stageId: QUALIFIED,
    contactId: ADA,
    title: '50 seats',
    value: { amountMinor: 1_200_000, currency: 'EUR' },
    at: '2025-01-15T10:30:00.000Z',
  },
};

/** Given these sales events about one contact, the facts its profile shows. */
const factsAfter = (...events: SalesRecordEvent[]) =>
  salesFactsOf([events.reduce<SalesRecord | undefined>(evolveSalesRecord, undefined)!]);
const recordAfter = (...events: SalesRecordEvent[]) => events.reduce<SalesRecord | undefined>(evolveSalesRecord, undefined)!;

const engineOrder = placed(
  ORDER,
  'EUR',
  [line(ENGINE_LINE, ENGINE, 3, 6000), line(CARDS_LINE, CARDS, 1, 4900)],
  '2025-02-10T14:00:00.000Z',
);
const enginePaid = paid(ORDER, 'EUR', 10900, '2025-02-10T14:05:00.000Z');

describe('sales facts of a customer', () => {
  it('a placed order that was never paid bought nothing and is worth nothing', () => {
    expect(factsAfter(engineOrder)).toEqual({ lifetimeValue: [], products: [], openDeals: [] });
    expect(recordAfter(engineOrder).boughtProductIds).toEqual([]);
  });

  it('a paid order adds its total to the lifetime value of its currency, its units to the products, its payment date to the purchases', () => {
    expect(factsAfter(engineOrder, enginePaid)).toEqual({
      lifetimeValue: [{ amountMinor: 10900, currency: 'EUR' }],
      firstPurchaseAt: '2025-02-10T14:05:00.000Z',
      lastPurchaseAt: '2025-02-10T14:05:00.000Z',
      products: [
        { productId: ENGINE, sku: 'ENG-DIFF-2', name: 'Difference Engine No. 2', quantity: 3 },
        { productId: CARDS, sku: 'CARD-PUNCH-100', name: 'Punched cards, box of 100', quantity: 1 },
      ],
      openDeals: [],
    });
    expect(recordAfter(engineOrder, enginePaid).boughtProductIds).toEqual([ENGINE, CARDS].sort());
  });

  it('keeps one lifetime value per currency, in minor units, sorted by code', () => {
    const yen = placed(OTHER_ORDER, 'JPY', [line(ENGINE_LINE, ENGINE, 1, 250000)], '2025-04-01T00:00:00.000Z');
    const facts = factsAfter(engineOrder, enginePaid, yen, paid(OTHER_ORDER, 'JPY', 250000, '2025-04-02T00:00:00.000Z'));
    expect(facts.lifetimeValue).toEqual([
      { amountMinor: 10900, currency: 'EUR' },
      { amountMinor: 250000, currency: 'JPY' },
    ]);
    expect(facts).toMatchObject({ firstPurchaseAt: '2025-02-10T14:05:00.000Z', lastPurchaseAt: '2025-04-02T00:00:00.000Z' });
    expect(facts.products.find((product) => product.productId === ENGINE)?.quantity).toBe(4);
  });

  it('a partial refund takes its amount off the lifetime value and its units off the product', () => {
    const facts = factsAfter(engineOrder, enginePaid, refunded(ORDER, [{ lineId: ENGINE_LINE, quantity: 1, amountMinor: 2000 }]));
    expect(facts.lifetimeValue).toEqual([{ amountMinor: 8900, currency: 'EUR' }]);
    expect(facts.products.map(({ productId, quantity }) => [productId, quantity])).toEqual(
      [
        [ENGINE, 2],
        [CARDS, 1],
      ].sort(),
    );
  });

  it('a line refunded in full is no longer bought, though the rest of its order is', () => {
    const record = recordAfter(
      engineOrder,
      enginePaid,
      refunded(ORDER, [{ lineId: CARDS_LINE, quantity: 1, amountMinor: 4900 }]),
    );
    expect(record.boughtProductIds).toEqual([ENGINE]);
    expect(salesFactsOf([record]).lifetimeValue).toEqual([{ amountMinor: 6000, currency: 'EUR' }]);
  });

  it('a fully refunded order is no purchase: nothing bought, no purchase date, worth zero in its currency', () => {
    const facts = factsAfter(
      engineOrder,
      enginePaid,
      refunded(ORDER, [
        { lineId: ENGINE_LINE, quantity: 3, amountMinor: 6000 },
        { lineId: CARDS_LINE, quantity: 1, amountMinor: 4900 },
      ]),
    );
    expect(facts).toEqual({ lifetimeValue: [{ amountMinor: 0, currency: 'EUR' }], products: [], openDeals: [] });
  });

  it('a cancelled order counts nothing', () => {
    expect(factsAfter(engineOrder, cancelled(ORDER))).toEqual({ lifetimeValue: [], products: [], openDeals: [] });
  });

  it('refuses to add up past the largest exact integer rather than round', () => {
    const huge = Number.MAX_SAFE_INTEGER;
    const first = placed(ORDER, 'EUR', [line(ENGINE_LINE, ENGINE, 1, huge)], '2025-01-01T00:00:00.000Z');
    const second = placed(OTHER_ORDER, 'EUR', [line(CARDS_LINE, CARDS, 1, 1)], '2025-01-02T00:00:00.000Z');
    const record = recordAfter(first, paid(ORDER, 'EUR', huge, '2025-01-01T00:00:00.000Z'), second);
    expect(() => salesFactsOf([evolveSalesRecord(record, paid(OTHER_ORDER, 'EUR', 1, '2025-01-02T00:00:00.000Z'))])).toThrow(
      LifetimeValueOverflow,
    );
  });

  it('an open deal shows in its current stage with its current value; won or lost it is no longer open; reopened it is again', () => {
    const moved: SalesRecordEvent = {
      type: 'DealStageChanged',
      data: {
        dealId: DEAL,
        contactId: ADA,
        pipelineId: PIPELINE,
        fromStageId: QUALIFIED,
        toStageId: PROPOSAL,
        at: '2025-02-01T11:00:00.000Z',
      },
    };
    const repriced: SalesRecordEvent = {
      type: 'DealUpdated',
      data: {
        dealId: DEAL,
        contactId: ADA,
        changes: { value: { amountMinor: 1_450_000, currency: 'EUR' } },
        cleared: [],
        at: '2025-02-02T00:00:00.000Z',
      },
    };
    expect(factsAfter(opened, moved, repriced).openDeals).toEqual([
      {
        dealId: DEAL,
        pipelineId: PIPELINE,
        stageId: PROPOSAL,
        title: '50 seats',
        value: { amountMinor: 1_450_000, currency: 'EUR' },
        openedAt: '2025-01-15T10:30:00.000Z',
        stageEnteredAt: '2025-02-01T11:00:00.000Z',
      },
    ]);
    const lost: SalesRecordEvent = {
      type: 'DealLost',
      data: { dealId: DEAL, contactId: ADA, reason: 'price', at: '2025-03-01T00:00:00.000Z' },
    };
    expect(factsAfter(opened, moved, lost).openDeals).toEqual([]);
    const reopened: SalesRecordEvent = {
      type: 'DealReopened',
      data: { dealId: DEAL, contactId: ADA, stageId: QUALIFIED, at: '2025-04-01T00:00:00.000Z' },
    };
    expect(factsAfter(opened, moved, lost, reopened).openDeals).toMatchObject([
      { dealId: DEAL, stageId: QUALIFIED, stageEnteredAt: '2025-04-01T00:00:00.000Z' },
    ]);
  });

  it('combines the records of a customer and the contacts merged into it', () => {
    const twin = recordAfter(
      placed(OTHER_ORDER, 'EUR', [line(CARDS_LINE, CARDS, 2, 9800)], '2025-01-01T00:00:00.000Z'),
      paid(OTHER_ORDER, 'EUR', 9800, '2025-01-01T01:00:00.000Z'),
    );
    const facts = salesFactsOf([recordAfter(engineOrder, enginePaid, opened), twin]);
    expect(facts).toMatchObject({
      lifetimeValue: [{ amountMinor: 20700, currency: 'EUR' }],
      firstPurchaseAt: '2025-01-01T01:00:00.000Z',
      lastPurchaseAt: '2025-02-10T14:05:00.000Z',
      openDeals: [{ dealId: DEAL }],
    });
    expect(facts.products.find((product) => product.productId === CARDS)?.quantity).toBe(3);
  });
});

describe('sales in the profile', () => {
  const at = '2025-02-10T14:00:00.000Z';
  const fold = (events: Parameters<typeof evolveProfile>[1]['event'][]) =>
    events.reduce<CustomerProfile | undefined>(
      (profile, event) => evolveProfile(profile, { customerId: ADA, event, occurredAt: at, redacted: false }),
      undefined,
    );

  it('keeps the orders and deals naming the contact, even before its ContactCreated arrives', () => {
    expect(fold([engineOrder, enginePaid])).toMatchObject({
      status: 'active',
      sales: { boughtProductIds: [ENGINE, CARDS].sort() },
    });
  });

  it('drops them with the rest of the profile when the person is erased, and keeps nothing of later ones', () => {
    const erased = fold([engineOrder, enginePaid, { type: 'ContactErased', data: { contactId: ADA, at } }, opened]);
    expect(erased).toEqual({ contactId: ADA, status: 'erased', erasedAt: at });
  });
});
