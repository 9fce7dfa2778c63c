import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection } from 'mongoose';
import request from 'supertest';
import type { ContactsEvent, OrderLine, SalesEvent } from '@crm/contracts';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { documentedAnswers, testToken } from '@crm/platform/nest/testing';
import { PROJECTION_STATE_COLLECTION, type ProjectionState } from '@crm/projections';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { createServiceTestApp, serviceTestConfig } from '@crm/service-kit/testing';
import { eventually } from '../../../libs/messaging/test/support';
import { waitForGroupAtEnd } from '../../../libs/projections/test/support';
import { ContactsSource, SALES_SERVICE } from '../../../test/support/contacts-source';
import { ensureTopicsOfServicesNotStarted } from '../../../test/support/source-topics';
import { analyticsService } from '../src/analytics.service';
import { prng } from '../src/testing/sales-history';
import { expectRebuiltUnchanged } from './rebuild';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const SEED = 15;
const CUSTOMERS = 40;
const ORDERS = 300;
const DEALS = 60;
const CURRENCIES = ['EUR', 'GBP', 'JPY'] as const;

/** The inputs, as plain data: what the events say and what the recomputation below reads. */
interface SeededOrder {
  orderId: string;
  contactId: string;
  currency: string;
  lines: OrderLine[];
  placedAt: string;
  paidAt?: string;
  cancelled: boolean;
  refunds: { lineId: string; quantity: number; amountMinor: number }[][];
}
interface SeededDeal {
  dealId: string;
  contactId: string;
  stageId: string;
  value: { amountMinor: number; currency: string };
  openedAt: string;
  stageEnteredAt: string;
  open: boolean;
}

function seed() {
  const random = prng(SEED);
  const at = (hours: number) => new Date(Date.UTC(2025, 0, 1) + hours * 3_600_000).toISOString();
  const contacts = Array.from({ length: CUSTOMERS }, () => random.uuid()).sort();
  const products = Array.from({ length: 6 }, (_, index) => ({
    productId: random.uuid(),
    sku: `SKU-${index}`,
    name: `Product ${index}`,
    prices: Object.fromEntries(CURRENCIES.map((currency) => [currency, random.int(100, 50_000)])),
  }));
  const orders: SeededOrder[] = [];
  for (let index = 0; index < ORDERS; index++) {
    const currency = random.pick(CURRENCIES);
    const chosen = [...new Set(Array.from({ length: random.int(1, 3) }, () => random.pick(products)))];
    const lines = chosen.map((product): OrderLine => {
      const quantity = random.int(1, 5);
      const unitPriceMinor = product.prices[currency];
      return {
        lineId: random.uuid(),
        productId: product.productId,
        sku: product.sku,
        name: product.name,
        quantity,
        unitPriceMinor,
        discountMinor: 0,
        totalMinor: unitPriceMinor * quantity,
      };
    });
    const roll = random.next();
    const order: SeededOrder = {
      orderId: random.uuid(),
      contactId: random.pick(contacts),
      currency,
      lines,
      placedAt: at(index * 3),
      cancelled: roll < 0.15,
      refunds: [],
    };
    if (roll >= 0.3) order.paidAt = at(index * 3 + 1);
    const refund = random.next();
    if (order.paidAt && refund < 0.1) {
      order.refunds.push(lines.map(({ lineId, quantity, totalMinor }) => ({ lineId, quantity, amountMinor: totalMinor })));
    } else if (order.paidAt && refund < 0.3) {
      const line = random.pick(lines);
      const quantity = random.int(1, line.quantity);
      order.refunds.push([{ lineId: line.lineId, quantity, amountMinor: line.unitPriceMinor * quantity }]);
    }
    orders.push(order);
  }
  const pipelineId = random.uuid();
  const stages = [random.uuid(), random.uuid(), random.uuid()];
  const deals: SeededDeal[] = Array.from({ length: DEALS }, (_, index) => {
    const openedAt = at(index * 5);
    const moved = random.next() < 0.5;
    return {
      dealId: random.uuid(),
      contactId: random.pick(contacts),
      stageId: moved ? stages[1] : stages[0],
      value: { amountMinor: random.int(1_000, 2_000_000), currency: random.pick(CURRENCIES) },
      openedAt,
      stageEnteredAt: moved ? at(index * 5 + 1) : openedAt,
      open: random.next() < 0.5,
    };
  });
  // Merges: contact i merged into contact i+1 for a few (0 into 1 into 2 into 3: a chain), the last one undone; one
  // customer erased.
  const merges = [0, 1, 2, 4, 6, 8].map((index) => ({
    contactId: contacts[index],
    survivorId: contacts[index + 1],
    mergeId: random.uuid(),
  }));
  const undone = merges[merges.length - 1];
  const erased = contacts[20];
  return { contacts, products, orders, pipelineId, stages, deals, merges, undone, erased };
}

/**
 * The sales facts and product answers of the analytics service, fed a seeded random set of sales events (orders,
 * payments, refunds, cancellations, deals) and contacts events (merges, an undo, an erasure) through Kafka, compared
 * with a recomputation from the same inputs written plainly here; then the read models rebuilt to the same hash.
 */
describe('analytics: sales facts and who bought what', () => {
  const schema = uniqueSchema('analytics_sales');
  const prefix = `test-${schema}`;
  const contactsSource = new ContactsSource(schema, `${prefix}.contacts`);
  const salesSource = new ContactsSource(`${schema}_sales`, `${prefix}.sales`, { service: SALES_SERVICE });
  const config = serviceTestConfig(analyticsService, {
    KAFKA_TOPIC_PREFIX: prefix,
    ANALYTICS_READ_DB: schema,
    SUBJECT_KEYS_SCHEMA: schema,
  });
  let app: NestExpressApplication;
  let readModels: Connection;
  const inputs = seed();
  let salesEventsRecorded = 0;

  const analyst = `Bearer ${testToken(['analyst'])}`;
  const get = (path: string) => request(app.getHttpServer()).get(path).set('Authorization', analyst);
  let errorsOf: ReturnType<typeof documentedAnswers> | undefined;
  const asDocumented = async <T>(path: string, body: T): Promise<T> => {
    errorsOf ??= documentedAnswers((await request(app.getHttpServer()).get('/openapi.json').expect(200)).body);
    expect(errorsOf('get', path, 200, body)).toEqual([]);
    return body;
  };

  beforeAll(async () => {
    await contactsSource.start();
    await salesSource.start();
    await ensureTopicsOfServicesNotStarted(contactsSource.kafka, prefix, ['contacts', 'sales']);
    app = await createServiceTestApp(analyticsService, config);
    readModels = app.get<Connection>(READ_MODELS);
    await record(inputs);
  });
  afterAll(async () => {
    const db = readModels?.db;
    await app?.close();
    await salesSource.stop();
    await contactsSource.stop();
    if (db) await db.dropDatabase().catch(() => undefined);
  });

  async function record({ contacts, orders, pipelineId, stages, deals, merges, undone, erased }: typeof inputs) {
    for (const contactId of contacts) {
      const created: ContactsEvent = {
        type: 'ContactCreated',
        data: {
          contactId,
          emails: [{ address: `${contactId}@example.com`, primary: true }],
          phones: [],
          addresses: [],
          lifecycleStage: 'customer',
          tags: [],
          customFields: [],
          at: '2024-12-01T00:00:00.000Z',
        },
      };
      await contactsSource.record(`contact-${contactId}`, [created]);
    }
    for (const { orderId, contactId, currency, lines, placedAt, paidAt, cancelled, refunds } of orders) {
      const totalMinor = lines.reduce((sum, line) => sum + line.totalMinor, 0);
      const events: SalesEvent[] = [
        {
          type: 'OrderPlaced',
          data: { orderId, contactId, currency, lines, subtotalMinor: totalMinor, discountMinor: 0, totalMinor, at: placedAt },
        },
      ];
      if (paidAt) events.push({ type: 'OrderPaid', data: { orderId, contactId, amountMinor: totalMinor, currency, at: paidAt } });
      else if (cancelled)
        events.push({ type: 'OrderCancelled', data: { orderId, contactId, reason: 'changed their mind', at: placedAt } });
      if (paidAt) events.push({ type: 'OrderFulfilled', data: { orderId, contactId, at: paidAt } });
      refunds.forEach((refundLines, index) =>
        events.push({
          type: 'OrderRefunded',
          data: {
            orderId,
            contactId,
            refundId: `${orderId.slice(0, 34)}${String(index).padStart(2, '0')}`,
            lines: refundLines,
            amountMinor: refundLines.reduce((sum, line) => sum + line.amountMinor, 0),
            currency,
            at: paidAt!,
          },
        }),
      );
      salesEventsRecorded += (await salesSource.record(`order-${orderId}`, events)).length;
    }
    for (const { dealId, contactId, stageId, value, openedAt, stageEnteredAt, open } of deals) {
      const events: SalesEvent[] = [
        {
          type: 'DealOpened',
          data: { dealId, pipelineId, stageId: stages[0], contactId, title: `Deal ${dealId.slice(0, 8)}`, value, at: openedAt },
        },
      ];
      if (stageId !== stages[0])
        events.push({
          type: 'DealStageChanged',
          data: { dealId, contactId, pipelineId, fromStageId: stages[0], toStageId: stageId, at: stageEnteredAt },
        });
      if (!open) events.push({ type: 'DealWon', data: { dealId, contactId, value, at: stageEnteredAt } });
      salesEventsRecorded += (await salesSource.record(`deal-${dealId}`, events)).length;
    }
    for (const { contactId, survivorId, mergeId } of merges) {
      await contactsSource.record(`contact-${contactId}`, [
        { type: 'ContactMergedInto', data: { contactId, survivorId, mergeId, at: '2025-06-01T00:00:00.000Z' } },
      ]);
    }
    await contactsSource.record(`contact-${undone.contactId}`, [
      { type: 'ContactUnmerged', data: { ...undone, at: '2025-06-02T00:00:00.000Z' } },
    ]);
    await contactsSource.erase(erased);
  }

  // The independent recomputation: plain loops over the inputs, by the rules docs/analytics.md states.
  const survivorOf = (contactId: string): string => {
    const merge = inputs.merges.find((candidate) => candidate.contactId === contactId && candidate !== inputs.undone);
    return merge ? survivorOf(merge.survivorId) : contactId;
  };
  const countingOrders = () => inputs.orders.filter((order) => order.contactId !== inputs.erased);
  const refundedUnits = (order: SeededOrder, lineId: string) =>
    order.refunds.flat().reduce((sum, refund) => sum + (refund.lineId === lineId ? refund.quantity : 0), 0);
  const isPurchase = (order: SeededOrder) =>
    order.paidAt !== undefined && order.lines.some((line) => line.quantity > refundedUnits(order, line.lineId));

  function expectedFacts(customerId: string) {
    const orders = countingOrders().filter((order) => survivorOf(order.contactId) === customerId);
    const value: Record<string, number> = {};
    for (const order of orders.filter((candidate) => candidate.paidAt)) {
      const paid = order.lines.reduce((sum, line) => sum + line.totalMinor, 0);
      const refunded = order.refunds.flat().reduce((sum, refund) => sum + refund.amountMinor, 0);
      value[order.currency] = (value[order.currency] ?? 0) + paid - refunded;
    }
    const units: Record<string, number> = {};
    for (const order of orders.filter(isPurchase)) {
      for (const line of order.lines) {
        const left = line.quantity - refundedUnits(order, line.lineId);
        if (left > 0) units[line.productId] = (units[line.productId] ?? 0) + left;
      }
    }
    const paidDates = orders
      .filter(isPurchase)
      .map((order) => order.paidAt!)
      .sort();
    const openDeals = inputs.deals
      .filter((deal) => deal.open && deal.contactId !== inputs.erased && survivorOf(deal.contactId) === customerId)
      .sort((a, b) => compare(a.openedAt, b.openedAt) || compare(a.dealId, b.dealId))
      .map((deal) => ({
        dealId: deal.dealId,
        pipelineId: inputs.pipelineId,
        stageId: deal.stageId,
        title: `Deal ${deal.dealId.slice(0, 8)}`,
        value: deal.value,
        openedAt: deal.openedAt,
        stageEnteredAt: deal.stageEnteredAt,
      }));
    return {
      lifetimeValue: Object.keys(value)
        .sort()
        .map((currency) => ({ amountMinor: value[currency], currency })),
      ...(paidDates.length > 0 && { firstPurchaseAt: paidDates[0], lastPurchaseAt: paidDates[paidDates.length - 1] }),
      products: Object.keys(units)
        .sort()
        .map((productId) => {
          const product = inputs.products.find((candidate) => candidate.productId === productId)!;
          return { productId, sku: product.sku, name: product.name, quantity: units[productId] };
        }),
      openDeals,
    };
  }

  const customers = () => [...new Set(inputs.contacts.filter((id) => id !== inputs.erased).map(survivorOf))].sort();

  function expectedBuyers(productId: string, notBought?: string) {
    return customers()
      .map((customerId) => ({ customerId, products: expectedFacts(customerId).products }))
      .filter(({ products }) => products.some((product) => product.productId === productId))
      .filter(({ products }) => notBought === undefined || !products.some((product) => product.productId === notBought))
      .map(({ customerId, products }) => ({
        customerId,
        quantity: products.find((product) => product.productId === productId)!.quantity,
      }));
  }

  function expectedBoughtWith(productId: string) {
    const buyers = expectedBuyers(productId).map(({ customerId }) => expectedFacts(customerId).products);
    return inputs.products
      .filter((other) => other.productId !== productId)
      .map((other) => {
        const bought = buyers.flatMap((products) => products.filter((product) => product.productId === other.productId));
        return {
          productId: other.productId,
          sku: other.sku,
          name: other.name,
          customers: bought.length,
          quantity: bought.reduce((sum, product) => sum + product.quantity, 0),
        };
      })
      .filter((row) => row.customers > 0)
      .sort((a, b) => b.customers - a.customers || b.quantity - a.quantity || compare(a.productId, b.productId));
  }

  // What the service answers, each answer held to its OpenAPI document.
  const profileSales = async (customerId: string) => {
    const body = (await get(`/v1/customers/${customerId}/profile`).expect(200)).body;
    return (await asDocumented('/v1/customers/{id}/profile', body)).sales;
  };
  async function allBuyers(productId: string, notBought?: string) {
    const items: unknown[] = [];
    let cursor: string | undefined;
    do {
      const query = { limit: '7', ...(notBought && { notBought }), ...(cursor && { cursor }) };
      const page = (await get(`/v1/products/${productId}/customers`).query(query).expect(200)).body;
      await asDocumented('/v1/products/{productId}/customers', page);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return items;
  }
  const boughtWithAnswer = async (productId: string) =>
    asDocumented(
      '/v1/products/{productId}/bought-with',
      (await get(`/v1/products/${productId}/bought-with`).query({ limit: '100' }).expect(200)).body,
    );

  /** Until the read models caught up with every event recorded (all topics' ends reached by every projection). */
  async function caughtUp() {
    const states = readModels.db!.collection<ProjectionState>(PROJECTION_STATE_COLLECTION);
    const admin = salesSource.kafka.admin();
    await admin.connect();
    await eventually(
      async () =>
        (await admin.fetchTopicOffsets(salesSource.topic)).reduce((sum, partition) => sum + Number(partition.high), 0) ===
        salesEventsRecorded,
      60000,
      'every sales event published',
    );
    await admin.disconnect();
    await eventually(
      async () => (await get(`/v1/customers/${inputs.erased}/profile`)).body.status === 'erased',
      60000,
      'the erasure projected',
    );
    for (const [projection, sources] of [
      ['customer-profile', [contactsSource, salesSource]],
      ['identities', [contactsSource]],
    ] as const) {
      const state = await states.findOne({ _id: projection });
      for (const source of sources) await waitForGroupAtEnd(source.kafka, state!.groupId, source.topic);
    }
  }

  it('shows each customer’s lifetime value per currency, purchases, products and open deals, merged contacts combined', async () => {
    await caughtUp();
    // Enough of the seed to mean something: purchases, refunds, cancellations, merges.
    expect(inputs.orders.filter((order) => order.refunds.length > 0).length).toBeGreaterThan(20);
    expect(inputs.orders.filter((order) => order.cancelled && !order.paidAt).length).toBeGreaterThan(20);
    expect(survivorOf(inputs.contacts[0])).toBe(inputs.contacts[3]);
    for (const customerId of customers())
      expect({ customerId, sales: await profileSales(customerId) }).toEqual({ customerId, sales: expectedFacts(customerId) });
    // A merged contact answers with its survivor's facts; the erased one with nothing.
    const merged = inputs.merges[0];
    expect(await profileSales(merged.contactId)).toEqual(expectedFacts(survivorOf(merged.contactId)));
    expect((await get(`/v1/customers/${inputs.erased}/profile`).expect(200)).body).not.toHaveProperty('sales');
  });

  it('answers who bought X but not Y, page by page and as CSV, and what was bought with X', async () => {
    const [x, y] = inputs.products.map((product) => product.productId);
    // The seed makes each question answer something.
    expect(expectedBuyers(x, y).length).toBeGreaterThan(0);
    expect(expectedBuyers(x).length).toBeGreaterThan(expectedBuyers(x, y).length);
    expect(expectedBoughtWith(x).length).toBeGreaterThan(0);
    for (const { productId } of inputs.products) {
      expect({ productId, buyers: await allBuyers(productId) }).toEqual({ productId, buyers: expectedBuyers(productId) });
      expect({ productId, notBought: y, buyers: await allBuyers(productId, y) }).toEqual({
        productId,
        notBought: y,
        buyers: expectedBuyers(productId, y),
      });
      expect(await boughtWithAnswer(productId)).toEqual({
        productId,
        customers: expectedBuyers(productId).length,
        items: expectedBoughtWith(productId),
      });
    }
    const csv = await get(`/v1/products/${x}/customers`).query({ notBought: y, format: 'csv' }).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.trim().split('\n')).toEqual([
      'customerId,quantity',
      ...expectedBuyers(x, y).map(({ customerId, quantity }) => `${customerId},${quantity}`),
    ]);
    await get(`/v1/products/${x}/customers`).query({ format: 'csv', limit: '5' }).expect(400);
    await get(`/v1/products/${x}/customers`).query({ cursor: 'not-ours' }).expect(400);
    await get(`/v1/products/${x}/customers`).query({ notBought: 'nope' }).expect(400);
  });

  it('rebuilds the profile and identities read models from offset 0 to the same documents (hash) and answers', async () => {
    const [x] = inputs.products.map((product) => product.productId);
    const answersBefore = [await allBuyers(x), await boughtWithAnswer(x)];
    for (const [projection, collection] of [
      ['customer-profile', 'customer_profiles'],
      ['identities', 'identities'],
    ]) {
      await expectRebuiltUnchanged(readModels, config, projection, collection);
    }
    expect([await allBuyers(x), await boughtWithAnswer(x)]).toEqual(answersBefore);
  });
});
