import { generateSalesDataset, SEED_PRODUCTS, currencyOf, type OrderPlan, type SalesCustomer } from './sales-seed-data';
import { seedId } from './seed-data';

const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'CH', 'ES', 'IT', 'NL', 'CA', 'AU', 'JP'];
const customers: SalesCustomer[] = Array.from({ length: 300 }, (_, index) => ({
  contactId: seedId(1, 'contact', index),
  country: COUNTRIES[index % COUNTRIES.length],
  ...(index % 3 === 0 && { companyId: seedId(1, 'company', index) }),
  ...(index % 4 !== 0 && { ownerId: seedId(1, 'owner', index % 5) }),
}));
const today = new Date('2026-12-06T00:00:00Z');
const options = { seed: 1, deals: 2000, orders: 5000, today };
const data = generateSalesDataset(options, customers);

const priceOf = (sku: string, currency: string) =>
  SEED_PRODUCTS.find((product) => product.sku === sku)?.prices.find((p) => p.currency === currency)?.amountMinor;

describe('the sales seed data', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(generateSalesDataset(options, customers)).toEqual(data);
    const other = generateSalesDataset({ ...options, seed: 2 }, customers);
    expect(other.deals[0].deal.dealId).not.toBe(data.deals[0].deal.dealId);
    expect(other.pipelines[0].pipelineId).not.toBe(data.pipelines[0].pipelineId);
  });

  it('has the deals and orders asked for, with ids unique across the data set', () => {
    expect(data.deals).toHaveLength(2000);
    expect(data.orders).toHaveLength(5000);
    const ids = [
      ...data.pipelines.flatMap((p) => [p.pipelineId, ...p.stages.map((s) => s.stageId)]),
      ...data.deals.map((d) => d.deal.dealId),
      ...data.orders.flatMap((o) => [o.orderId, ...o.lines.map((l) => l.lineId)]),
      ...data.orders.flatMap((o) => (o.after.status === 'paid' && o.after.refund ? [o.after.refund.refundId] : [])),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the orders already made when more are asked for', () => {
    const more = generateSalesDataset({ ...options, orders: 5200 }, customers);
    expect(more.orders.slice(0, 5000)).toEqual(data.orders);
  });

  it('orders only products priced in the order’s currency, the customer’s, and its total is its lines', () => {
    const countryOf = new Map(customers.map((c) => [c.contactId, c.country]));
    for (const order of data.orders) {
      expect(order.currency).toBe(currencyOf(countryOf.get(order.contactId)!));
      expect(new Set(order.lines.map((line) => line.sku)).size).toBe(order.lines.length);
      for (const line of order.lines) {
        expect(line.listPriceMinor).toBe(priceOf(line.sku, order.currency));
        const subtotal = line.quantity * line.listPriceMinor;
        const discount = line.discount ? Math.round((subtotal * line.discount.basisPoints) / 10_000) : 0;
        expect(line.totalMinor).toBe(subtotal - discount);
      }
      expect(order.totalMinor).toBe(order.lines.reduce((total, line) => total + line.totalMinor, 0));
    }
    expect(currencyOf('JP')).toBe('USD');
  });

  it('moves each deal forward through stages of its own pipeline, and closes won and lost ones, lost with a reason', () => {
    for (const { deal, moves, outcome } of data.deals) {
      const stages = data.pipelines.find((p) => p.pipelineId === deal.pipelineId)!.stages.map((s) => s.stageId);
      const path = [deal.stageId, ...moves].map((stageId) => stages.indexOf(stageId));
      expect(path[0]).toBe(0);
      for (let step = 1; step < path.length; step++) expect(path[step]).toBeGreaterThan(path[step - 1]);
      if (outcome.status === 'lost') expect(outcome.reason).toBeTruthy();
      expect(deal.expectedCloseDate === undefined).toBe(outcome.status !== 'open');
      if (deal.expectedCloseDate) expect(deal.expectedCloseDate > '2026-12-06').toBe(true);
    }
    const count = (status: string) => data.deals.filter((d) => d.outcome.status === status).length;
    for (const status of ['open', 'won', 'lost']) expect(count(status)).toBeGreaterThan(400);
    expect(data.deals.filter((d) => d.moves.length >= 2).length).toBeGreaterThan(300);
  });

  it('gives each won deal an order of its value, for the customer of the deal', () => {
    const orderOfDeal = new Map(data.orders.filter((o) => o.dealId).map((o) => [o.dealId!, o]));
    for (const { deal, outcome } of data.deals) {
      const order = orderOfDeal.get(deal.dealId);
      if (outcome.status !== 'won') {
        expect(order).toBeUndefined();
        continue;
      }
      expect(order).toMatchObject({
        contactId: deal.contactId,
        currency: deal.value.currency,
        totalMinor: deal.value.amountMinor,
      });
      expect(order!.after.status).not.toBe('cancelled');
    }
  });

  it('has orders placed, cancelled, paid, fulfilled and partly refunded, each refund less than its order', () => {
    const fates = (test: (o: OrderPlan) => boolean) => data.orders.filter(test).length;
    expect(fates((o) => o.after.status === 'placed')).toBeGreaterThan(100);
    expect(fates((o) => o.after.status === 'cancelled')).toBeGreaterThan(100);
    expect(fates((o) => o.after.status === 'paid' && o.after.fulfilled)).toBeGreaterThan(1000);
    expect(fates((o) => o.after.status === 'paid' && !o.after.fulfilled)).toBeGreaterThan(100);
    const refunded = data.orders.flatMap((o) =>
      o.after.status === 'paid' && o.after.refund ? [{ o, refund: o.after.refund }] : [],
    );
    expect(refunded.length).toBeGreaterThan(100);
    for (const { o, refund } of refunded) {
      expect(refund.amountMinor).toBeGreaterThan(0);
      expect(refund.amountMinor).toBeLessThan(o.totalMinor);
      const [{ lineId, quantity }] = refund.lines;
      const line = o.lines.find((l) => l.lineId === lineId)!;
      expect(quantity).toBeLessThanOrEqual(line.quantity);
    }
  });

  it('answers the upsell question: many bought the base plan and not the analytics add-on, fewer bought both', () => {
    const bought = new Map<string, Set<string>>();
    for (const order of data.orders)
      if (order.after.status !== 'cancelled')
        for (const line of order.lines) bought.set(order.contactId, new Set([...(bought.get(order.contactId) ?? []), line.sku]));
    const buyers = [...bought.values()];
    const baseWithout = buyers.filter((skus) => skus.has('PLAN-BASE') && !skus.has('ADDON-ANALYTICS')).length;
    const baseWith = buyers.filter((skus) => skus.has('PLAN-BASE') && skus.has('ADDON-ANALYTICS')).length;
    // About one in five who bought the base plan also bought the add-on.
    expect(baseWith).toBeGreaterThan(0);
    expect(baseWithout).toBeGreaterThan(2 * baseWith);
    expect(baseWithout + baseWith).toBeGreaterThan(buyers.length / 2);
  });

  it('has no deals or orders without customers, and still the catalog and pipelines', () => {
    expect(generateSalesDataset(options, [])).toMatchObject({ deals: [], orders: [], pipelines: data.pipelines });
  });
});
