import { randomUUID } from 'node:crypto';
import { testToken } from '@crm/platform/nest/testing';
import { HttpClient } from './http-client';
import { ServiceSet } from './service-set';

/**
 * Issue 15, end to end: contacts, sales and analytics as separate processes, driven only through their HTTP APIs.
 * Leads are converted (one while the contacts service is killed, and started again meanwhile), deals moved, won and
 * lost, orders placed, paid, cancelled and refunded. What the test did is its ledger: the reports and profiles must
 * equal what the ledger computes, and each customer's timeline must show every step exactly once.
 */
const WAIT_MS = 120_000;

interface Money {
  amountMinor: number;
  currency: string;
}
interface Lead {
  leadId: string;
  status: string;
  contactId?: string;
  converted?: { contactCreated: boolean; dealId: string };
  conversion?: { attempt: number; dealId: string };
}
interface TimelineItem {
  eventId: string;
  type: string;
  customerId: string;
}
interface Stage {
  stageId: string;
  name: string;
  winProbability: number;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${WAIT_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Half up, as the reports round (amount × percent / 100). */
const weighted = (amountMinor: number, percent: number) => Math.floor((amountMinor * percent + 50) / 100);

describe('Given contacts, sales and analytics as processes, when leads become customers who buy', () => {
  const services = new ServiceSet('e2e_sales', ['contacts', 'sales', 'analytics']);
  let sales: HttpClient;
  let contacts: HttpClient;
  let analytics: HttpClient;

  const stages: Stage[] = [
    { stageId: randomUUID(), name: 'Qualified', winProbability: 10 },
    { stageId: randomUUID(), name: 'Proposal', winProbability: 40 },
    { stageId: randomUUID(), name: 'Negotiation', winProbability: 70 },
  ];
  const pipelineId = randomUUID();
  const price = { engine: 125_000, cards: 4_990 };
  const product: Record<keyof typeof price, string> = { engine: '', cards: '' };
  /** The ledger: what the test did, by customer. */
  const timeline = new Map<string, string[]>();
  const did = (customerId: string, ...types: string[]) =>
    timeline.set(customerId, [...(timeline.get(customerId) ?? []), ...types]);
  const leads: Record<'ada' | 'grace' | 'linus' | 'ken', string> = { ada: '', grace: '', linus: '', ken: '' };
  let existing = '';
  const deals: Record<'ada' | 'grace' | 'linus', { dealId: string; value: Money }> = {} as never;

  beforeAll(async () => {
    await services.start();
    sales = new HttpClient(services.sales.url, testToken(['sales'], 'e2e-sales'));
    contacts = new HttpClient(services.contacts.url, testToken(['sales'], 'e2e-sales'));
    analytics = new HttpClient(services.analytics.url, testToken(['analyst'], 'e2e-analyst'));

    await sales.expect(201, 'POST', '/v1/pipelines', { pipelineId, name: 'New business', stages });
    for (const [sku, amountMinor] of Object.entries(price) as [keyof typeof price, number][]) {
      const created = await sales.expect<{ productId: string }>(201, 'POST', '/v1/products', {
        sku: `${sku}-${services.run}`,
        name: sku,
        prices: [{ currency: 'EUR', amountMinor }],
      });
      product[sku] = created.body.productId;
    }
    const contact = await contacts.expect<{ contactId: string }>(201, 'POST', '/v1/contacts', {
      name: { given: 'Barbara', family: `Liskov${services.run}` },
      emails: [{ address: `barbara.${services.run}@example.com` }],
    });
    existing = contact.body.contactId;
    did(existing, 'ContactCreated');
  }, 300_000);

  afterAll(() => services.stop(), 60_000);

  const createLead = async (given: string) => {
    const { body } = await sales.expect<Lead>(201, 'POST', '/v1/leads', {
      person: { name: { given, family: `Lead${services.run}` }, email: `${given}.${services.run}@example.com` },
      source: 'web',
    });
    await sales.expect(200, 'POST', `/v1/leads/${body.leadId}/qualify`);
    did(body.leadId, 'LeadCreated', 'LeadQualified');
    return body.leadId;
  };
  const convert = (leadId: string, value: Money, contactId?: string) =>
    sales.expect<Lead>(202, 'POST', `/v1/leads/${leadId}/convert`, {
      pipelineId,
      title: `Engines for ${leadId.slice(0, 8)}`,
      value,
      ...(contactId ? { contactId } : {}),
    });
  const settled = (leadId: string) =>
    eventually(`lead ${leadId} settled`, async () => {
      const { body } = await sales.expect<Lead>(200, 'GET', `/v1/leads/${leadId}`);
      return body.status === 'converting' ? undefined : body;
    });

  it('converts a lead into a new contact with its id, and another into an existing contact, each with one deal', async () => {
    leads.ada = await createLead('Ada');
    leads.grace = await createLead('Grace');
    await convert(leads.ada, { amountMinor: 300_000, currency: 'EUR' });
    await convert(leads.grace, { amountMinor: 120_000, currency: 'EUR' }, existing);

    const ada = await settled(leads.ada);
    expect(ada).toMatchObject({ status: 'converted', contactId: leads.ada, converted: { contactCreated: true } });
    const grace = await settled(leads.grace);
    expect(grace).toMatchObject({ status: 'converted', contactId: existing, converted: { contactCreated: false } });
    deals.ada = { dealId: ada.converted!.dealId, value: { amountMinor: 300_000, currency: 'EUR' } };
    deals.grace = { dealId: grace.converted!.dealId, value: { amountMinor: 120_000, currency: 'EUR' } };
    // The contact made for Ada is the lead's person, under the lead's id.
    const made = await contacts.expect<{ name: { given: string } }>(200, 'GET', `/v1/contacts/${leads.ada}`);
    expect(made.body.name.given).toBe('Ada');
    // A lead's steps are on its own id; Grace's link lands on the existing contact's stream.
    did(leads.ada, 'LeadConversionRequested', 'ContactCreated', 'ContactLinkedToLead', 'DealOpened', 'LeadConverted');
    did(leads.grace, 'LeadConversionRequested', 'LeadConverted');
    did(existing, 'ContactLinkedToLead', 'DealOpened');
  });

  it('converts a lead asked for while contacts is killed, once contacts is back', async () => {
    leads.linus = await createLead('Linus');
    await services.contacts.kill();
    const asked = await convert(leads.linus, { amountMinor: 80_000, currency: 'EUR' });
    expect(asked.body.status).toBe('converting');
    // Contacts cannot answer: the lead stays converting, visibly.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await sales.expect<Lead>(200, 'GET', `/v1/leads/${leads.linus}`)).body.status).toBe('converting');
    await services.restart('contacts');
    contacts = new HttpClient(services.contacts.url, testToken(['sales'], 'e2e-sales'));
    const linus = await settled(leads.linus);
    expect(linus).toMatchObject({ status: 'converted', contactId: leads.linus, converted: { contactCreated: true } });
    deals.linus = { dealId: linus.converted!.dealId, value: { amountMinor: 80_000, currency: 'EUR' } };
    did(leads.linus, 'LeadConversionRequested', 'ContactCreated', 'ContactLinkedToLead', 'DealOpened', 'LeadConverted');
    // Asked again, the converted lead is refused and nothing more is opened.
    expect(
      (await sales.request('POST', `/v1/leads/${leads.linus}/convert`, { pipelineId, title: 'x', value: deals.linus.value }))
        .status,
    ).toBe(409);
  });

  it('refuses to convert a disqualified lead', async () => {
    leads.ken = await createLead('Ken');
    await sales.expect(200, 'POST', `/v1/leads/${leads.ken}/disqualify`, { reason: 'no-budget' });
    did(leads.ken, 'LeadDisqualified');
    const refused = await sales.request<{ type: string }>('POST', `/v1/leads/${leads.ken}/convert`, {
      pipelineId,
      title: 'Engines',
      value: { amountMinor: 1, currency: 'EUR' },
    });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });

  it('moves, wins and loses the deals, and sells: orders paid, refunded and cancelled', async () => {
    await sales.expect(200, 'POST', `/v1/deals/${deals.ada.dealId}/stage`, { stageId: stages[1].stageId });
    await sales.expect(200, 'POST', `/v1/deals/${deals.ada.dealId}/win`);
    did(leads.ada, 'DealStageChanged', 'DealWon');
    await sales.expect(200, 'POST', `/v1/deals/${deals.grace.dealId}/lose`, { reason: 'Chose a competitor' });
    did(existing, 'DealLost');
    await sales.expect(200, 'POST', `/v1/deals/${deals.linus.dealId}/stage`, { stageId: stages[2].stageId });
    did(leads.linus, 'DealStageChanged');

    const engineLine = randomUUID();
    const adaOrder = await sales.expect<{ orderId: string; totalMinor: number }>(201, 'POST', '/v1/orders', {
      contactId: leads.ada,
      currency: 'EUR',
      dealId: deals.ada.dealId,
      lines: [
        { lineId: engineLine, productId: product.engine, quantity: 2 },
        { productId: product.cards, quantity: 1 },
      ],
    });
    expect(adaOrder.body.totalMinor).toBe(2 * price.engine + price.cards);
    await sales.expect(200, 'POST', `/v1/orders/${adaOrder.body.orderId}/pay`);
    await sales.expect(200, 'POST', `/v1/orders/${adaOrder.body.orderId}/refunds`, {
      lines: [{ lineId: engineLine, quantity: 1 }],
      reason: 'One engine too many',
    });
    did(leads.ada, 'OrderPlaced', 'OrderPaid', 'OrderRefunded');

    const barbaraOrder = await sales.expect<{ orderId: string }>(201, 'POST', '/v1/orders', {
      contactId: existing,
      currency: 'EUR',
      lines: [{ productId: product.cards, quantity: 3 }],
    });
    await sales.expect(200, 'POST', `/v1/orders/${barbaraOrder.body.orderId}/pay`);
    did(existing, 'OrderPlaced', 'OrderPaid');

    const linusOrder = await sales.expect<{ orderId: string }>(201, 'POST', '/v1/orders', {
      contactId: leads.linus,
      currency: 'EUR',
      lines: [{ productId: product.engine, quantity: 1 }],
    });
    await sales.expect(200, 'POST', `/v1/orders/${linusOrder.body.orderId}/cancel`, { reason: 'Budget frozen' });
    did(leads.linus, 'OrderPlaced', 'OrderCancelled');
  });

  it('shows every step once on each customer’s timeline, the lead’s steps included', async () => {
    // Grace's lead resolves to the contact it was linked to: her entries show on that contact's timeline.
    const expected = new Map(timeline);
    expected.set(existing, [...expected.get(existing)!, ...expected.get(leads.grace)!]);
    expected.delete(leads.grace);
    for (const [customerId, types] of expected) {
      const items = await eventually(`${types.length} timeline entries of ${customerId}`, async () => {
        const all = await timelineOf(customerId);
        return all.length >= types.length ? all : undefined;
      });
      expect(new Set(items.map((item) => item.eventId)).size).toBe(items.length);
      expect(items.map((item) => item.type).sort()).toEqual([...types].sort());
    }
  });

  it('reports the pipeline, the win rate and the revenue as the ledger computes them', async () => {
    // Open at the end: Linus's deal in Negotiation. Ada's was won, Grace's lost.
    const pipeline = await eventually('the pipeline report with Linus in Negotiation', async () => {
      const { body } = await analytics.expect<{ rows: { stageId: string; count: number }[] }>(
        200,
        'GET',
        `/v1/reports/pipeline?pipelineId=${pipelineId}`,
      );
      const negotiation = body.rows.find((row) => row.stageId === stages[2].stageId);
      return negotiation?.count === 1 && body.rows.every((row) => row.stageId === stages[2].stageId || row.count === 0)
        ? body
        : undefined;
    });
    expect(pipeline.rows).toEqual(
      stages.map((stage, position) =>
        position === 2
          ? expect.objectContaining({
              stageId: stage.stageId,
              currency: 'EUR',
              count: 1,
              amountMinor: deals.linus.value.amountMinor,
              weightedMinor: weighted(deals.linus.value.amountMinor, stage.winProbability),
            })
          : expect.objectContaining({ stageId: stage.stageId, currency: null, count: 0, amountMinor: 0, weightedMinor: 0 }),
      ),
    );

    const winRate = await analytics.expect<{ rows: { won: number; lost: number; winRateBasisPoints: number }[] }>(
      200,
      'GET',
      `/v1/reports/win-rate?pipelineId=${pipelineId}`,
    );
    expect(winRate.body.rows[0]).toMatchObject({ won: 1, lost: 1, winRateBasisPoints: 5_000 });

    const revenue = await eventually('revenue with the refund', async () => {
      const { body } = await analytics.expect<{ rows: { key: string; refundedMinor: number }[] }>(
        200,
        'GET',
        '/v1/reports/revenue?by=product',
      );
      return body.rows.some((row) => row.refundedMinor > 0) ? body : undefined;
    });
    const byProduct = [
      {
        key: product.engine,
        currency: 'EUR',
        paidMinor: 2 * price.engine,
        refundedMinor: price.engine,
        revenueMinor: price.engine,
      },
      { key: product.cards, currency: 'EUR', paidMinor: 4 * price.cards, refundedMinor: 0, revenueMinor: 4 * price.cards },
    ].sort((a, b) => a.key.localeCompare(b.key));
    expect(revenue.rows).toEqual(byProduct);
  });

  it('gives each customer’s profile their lifetime value, purchases and open deals', async () => {
    const ada = await eventually('Ada’s lifetime value after the refund', async () => {
      const { body } = await analytics.expect<{ sales: { lifetimeValue: Money[] } }>(
        200,
        'GET',
        `/v1/customers/${leads.ada}/profile`,
      );
      return body.sales.lifetimeValue[0]?.amountMinor === price.engine + price.cards ? body : undefined;
    });
    expect(ada.sales).toMatchObject({
      lifetimeValue: [{ currency: 'EUR', amountMinor: price.engine + price.cards }],
      openDeals: [],
    });
    const barbara = await analytics.expect<{ sales: { lifetimeValue: Money[]; openDeals: unknown[] } }>(
      200,
      'GET',
      `/v1/customers/${existing}/profile`,
    );
    expect(barbara.body.sales).toMatchObject({
      lifetimeValue: [{ currency: 'EUR', amountMinor: 3 * price.cards }],
      openDeals: [],
    });
    const linus = await analytics.expect<{ sales: { lifetimeValue: Money[]; openDeals: { dealId: string }[] } }>(
      200,
      'GET',
      `/v1/customers/${leads.linus}/profile`,
    );
    expect(linus.body.sales).toMatchObject({ lifetimeValue: [], openDeals: [{ dealId: deals.linus.dealId }] });
  });

  async function timelineOf(customerId: string): Promise<TimelineItem[]> {
    const items: TimelineItem[] = [];
    let cursor: string | undefined;
    do {
      const query = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { body } = await analytics.expect<{ items: TimelineItem[]; next?: string }>(
        200,
        'GET',
        `/v1/customers/${customerId}/timeline?${query}`,
      );
      items.push(...body.items);
      cursor = body.next;
    } while (cursor);
    return items;
  }
});
