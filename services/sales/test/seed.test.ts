import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { testToken } from '@crm/platform/nest/testing';
import { createServiceTestApp } from '@crm/service-kit/testing';
import { generateSalesDataset, type SalesCustomer } from '../../contacts/src/cli/sales-seed-data';
import { seedId } from '../../contacts/src/cli/seed-data';
import { Api, runPhase, type Tally } from '../../contacts/src/cli/seed-http';
import { seedSales } from '../../contacts/src/cli/seed-sales';
import { salesService } from '../src/sales.service';
import { ensureSourceTopics, eventually, salesTestConfig } from './support';

// `npm run seed`'s sales part, small, twice against the real service over HTTP: the second run adds nothing.
describe('npm run seed: the sales data set', () => {
  let app: NestExpressApplication;
  let api: Api;
  beforeAll(async () => {
    const schema = uniqueSchema('sales_seed');
    await ensureSourceTopics(schema);
    app = await createServiceTestApp(salesService, salesTestConfig(schema));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    api = new Api(`http://127.0.0.1:${port}`, testToken(['sales']));
    // Each phase prints its tally; the test reads the tallies.
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    await app?.close();
  });

  const countries = ['US', 'DE', 'GB', 'CH', 'CA', 'AU', 'FR', 'JP'];
  const seed = 1;
  const customers: SalesCustomer[] = countries.map((country, index) => ({
    contactId: seedId(seed, 'contact', index),
    country,
    ...(index % 2 === 0 && { companyId: seedId(seed, 'company', index) }),
  }));
  const data = generateSalesDataset({ seed, deals: 20, orders: 50, today: new Date('2026-12-06T00:00:00Z') }, customers);

  async function run(): Promise<Tally[]> {
    const tallies: Tally[] = [];
    const completed = await seedSales(api, data, 4, async (...args) => {
      const tally = await runPhase(...args);
      tallies.push(tally);
      return tally.failed === 0;
    });
    expect(tallies.flatMap((tally) => tally.failures)).toEqual([]);
    expect(completed).toBe(true);
    return tallies;
  }

  /** What the API says of every seeded deal and order now, and how many the read models list. */
  async function observed() {
    const get = async (path: string) => {
      const reply = await api.send('GET', path);
      expect(reply.status).toBe(200);
      return reply.body as Record<string, unknown>;
    };
    const deals = await Promise.all(data.deals.map(({ deal }) => get(`/v1/deals/${deal.dealId}`)));
    const orders = await Promise.all(data.orders.map(({ orderId }) => get(`/v1/orders/${orderId}`)));
    const listed = async () => {
      const lists = await Promise.all([
        ...data.pipelines.map(({ pipelineId }) => get(`/v1/deals?pipelineId=${pipelineId}&limit=200`)),
        ...customers.map(({ contactId }) => get(`/v1/purchase-history/${contactId}?limit=200`)),
      ]);
      const counts = lists.map((list) => (list.items as unknown[]).length);
      const dealsListed = counts.slice(0, data.pipelines.length).reduce((a, b) => a + b, 0);
      return { deals: dealsListed, orders: counts.reduce((a, b) => a + b, 0) - dealsListed };
    };
    await eventually(async () => {
      const counts = await listed();
      return counts.deals === data.deals.length && counts.orders === data.orders.length;
    }, 'the read models list every seeded deal and order');
    return { deals, orders, listed: await listed() };
  }

  it('seeds deals through their stages and orders through their lives, and a second run adds nothing', async () => {
    // A run stopped half-way: a deal opened and not moved on, an order placed and not paid. The next run finishes them.
    const catalog = await Promise.all(data.products.map((product) => api.send('POST', '/v1/products', product)));
    const productId = new Map(
      catalog.map(({ body }) => [(body as { sku: string }).sku, (body as { productId: string }).productId]),
    );
    await Promise.all(data.pipelines.map((pipeline) => api.send('POST', '/v1/pipelines', pipeline)));
    const stopped = data.deals.find(({ moves, outcome }) => moves.length > 0 && outcome.status !== 'open')!;
    expect((await api.send('POST', '/v1/deals', stopped.deal)).status).toBe(201);
    const unpaid = data.orders.find(({ after }) => after.status === 'paid' && after.fulfilled)!;
    const lines = unpaid.lines.map(({ lineId, sku, quantity, discount }) => ({
      lineId,
      productId: productId.get(sku),
      quantity,
      ...(discount && { discount }),
    }));
    expect(
      (
        await api.send('POST', '/v1/orders', {
          orderId: unpaid.orderId,
          contactId: unpaid.contactId,
          currency: unpaid.currency,
          lines,
        })
      ).status,
    ).toBe(201);

    const first = await run();
    expect(first.map(({ phase, created, there }) => ({ phase, created, there }))).toEqual([
      { phase: 'products', created: 0, there: 8 },
      { phase: 'pipelines', created: 0, there: 2 },
      expect.objectContaining({ phase: 'deals', there: 1 }),
      expect.objectContaining({ phase: 'orders', there: 1 }),
    ]);
    const before = await observed();
    data.deals.forEach(({ deal, moves, outcome }, index) => {
      expect(before.deals[index]).toMatchObject({
        status: outcome.status,
        stageId: moves.at(-1) ?? deal.stageId,
        value: deal.value,
        ...(outcome.status === 'lost' && { lostReason: outcome.reason }),
      });
    });
    data.orders.forEach(({ totalMinor, after }, index) => {
      // A partial refund keeps the order's status.
      const status = after.status === 'paid' ? (after.fulfilled ? 'fulfilled' : 'paid') : after.status;
      expect(before.orders[index]).toMatchObject({
        totalMinor,
        status,
        fulfilled: after.status === 'paid' && after.fulfilled,
        refundedMinor: after.status === 'paid' && after.refund ? after.refund.amountMinor : 0,
      });
    });

    const second = await run();
    for (const tally of second) expect(tally).toMatchObject({ created: 0, failed: 0 });
    expect(second.map((tally) => tally.there)).toEqual(first.map((tally) => tally.created + tally.there));
    // Not one event more: every deal and order is at the revision it had, and the lists hold as many.
    expect(await observed()).toEqual(before);
  });
});
