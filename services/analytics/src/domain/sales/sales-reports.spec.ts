import type { DealEvent, OrderEvent, PipelineEvent } from '@crm/contracts';
import { evolveDealHistory, type DealHistory } from './deal-history';
import { evolvePipelineDefinition, type PipelineDefinition } from './pipelines';
import { pipelineReport } from './pipeline-report';
import { evolveOrderRevenue, isoWeekOf, revenueReport, type OrderRevenue } from './revenue';
import { winRate } from './win-rate';
import { randomSalesHistory } from '../../testing/sales-history';

const PIPELINE = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01';
const [QUALIFIED, PROPOSAL, NEGOTIATION] = [
  '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01',
  '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02',
  '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b03',
];
const ADA = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
const [ALICE, BOB] = ['0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c4e01', '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c4e02'];
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

const created: PipelineEvent = {
  type: 'PipelineCreated',
  data: {
    pipelineId: PIPELINE,
    name: 'New business',
    stages: [
      { stageId: QUALIFIED, name: 'Qualified', winProbability: 10 },
      { stageId: PROPOSAL, name: 'Proposal sent', winProbability: 40 },
      { stageId: NEGOTIATION, name: 'Negotiation', winProbability: 70 },
    ],
    at: '2025-01-01T00:00:00Z',
  },
};
const pipelineOf = (events: PipelineEvent[]): PipelineDefinition =>
  events.reduce<PipelineDefinition | undefined>(
    (pipeline, event) => evolvePipelineDefinition(pipeline, event) ?? undefined,
    undefined,
  )!;
const dealOf = (events: DealEvent[]): DealHistory =>
  events.reduce<DealHistory | undefined>((deal, event) => evolveDealHistory(deal, event) ?? undefined, undefined)!;

const opened = (dealId: string, at: string, amountMinor: number, extra: object = {}): DealEvent => ({
  type: 'DealOpened',
  data: {
    dealId,
    pipelineId: PIPELINE,
    stageId: QUALIFIED,
    contactId: ADA,
    title: 'Seats',
    value: eur(amountMinor),
    ownerId: ALICE,
    at,
    ...extra,
  },
});
const moved = (dealId: string, fromStageId: string, toStageId: string, at: string): DealEvent => ({
  type: 'DealStageChanged',
  data: { dealId, contactId: ADA, pipelineId: PIPELINE, fromStageId, toStageId, at },
});
const won = (dealId: string, at: string, amountMinor: number): DealEvent => ({
  type: 'DealWon',
  data: { dealId, contactId: ADA, value: eur(amountMinor), at },
});
const lost = (dealId: string, at: string): DealEvent => ({
  type: 'DealLost',
  data: { dealId, contactId: ADA, reason: 'Price', at },
});
const reopened = (dealId: string, stageId: string, at: string): DealEvent => ({
  type: 'DealReopened',
  data: { dealId, contactId: ADA, stageId, at },
});
const updated = (dealId: string, changes: object, at: string, cleared: ('ownerId' | 'companyId')[] = []): DealEvent => ({
  type: 'DealUpdated',
  data: { dealId, contactId: ADA, changes, cleared, at },
});

describe('a deal’s history', () => {
  it('keeps the stays in each stage, its value and owner over time, and its outcome', () => {
    const deal = dealOf([
      opened('d1', '2025-02-01T10:00:00Z', 1000),
      moved('d1', QUALIFIED, PROPOSAL, '2025-02-10T10:00:00Z'),
      updated('d1', { value: eur(1500), ownerId: BOB }, '2025-02-12T00:00:00Z'),
      won('d1', '2025-03-01T00:00:00Z', 1600),
    ]);
    expect(deal).toEqual({
      dealId: 'd1',
      pipelineId: PIPELINE,
      contactId: ADA,
      openedAt: '2025-02-01T10:00:00.000Z',
      status: 'won',
      closedAt: '2025-03-01T00:00:00.000Z',
      stays: [
        { stageId: QUALIFIED, from: '2025-02-01T10:00:00.000Z', to: '2025-02-10T10:00:00.000Z' },
        { stageId: PROPOSAL, from: '2025-02-10T10:00:00.000Z', to: '2025-03-01T00:00:00.000Z' },
      ],
      values: [
        { from: '2025-02-01T10:00:00.000Z', value: eur(1000) },
        { from: '2025-02-12T00:00:00.000Z', value: eur(1500) },
        { from: '2025-03-01T00:00:00.000Z', value: eur(1600) },
      ],
      owners: [
        { from: '2025-02-01T10:00:00.000Z', value: ALICE },
        { from: '2025-02-12T00:00:00.000Z', value: BOB },
      ],
    });
  });

  it('opens a new stay when reopened, and forgets the close', () => {
    const deal = dealOf([
      opened('d1', '2025-02-01T00:00:00Z', 1000),
      lost('d1', '2025-02-05T00:00:00Z'),
      reopened('d1', NEGOTIATION, '2025-02-07T00:00:00Z'),
    ]);
    expect(deal).toMatchObject({
      status: 'open',
      stays: [
        { stageId: QUALIFIED, to: '2025-02-05T00:00:00.000Z' },
        { stageId: NEGOTIATION, from: '2025-02-07T00:00:00.000Z' },
      ],
    });
    expect(deal).not.toHaveProperty('closedAt');
  });

  it('has nothing to change without its opening (dead-lettered)', () => {
    expect(evolveDealHistory(undefined, lost('d1', '2025-02-05T00:00:00Z'))).toBeNull();
  });
});

describe('the pipeline report', () => {
  const deals = [
    dealOf([opened('d1', '2025-02-01T00:00:00Z', 1005), moved('d1', QUALIFIED, PROPOSAL, '2025-03-01T00:00:00Z')]),
    dealOf([opened('d2', '2025-02-02T00:00:00Z', 2000), moved('d2', QUALIFIED, PROPOSAL, '2025-02-20T00:00:00Z')]),
    dealOf([opened('d3', '2025-02-03T00:00:00Z', 500, { value: { amountMinor: 700, currency: 'USD' }, ownerId: BOB })]),
    dealOf([opened('d4', '2025-02-04T00:00:00Z', 9999), won('d4', '2025-02-10T00:00:00Z', 9999)]),
  ];

  it('counts the open deals per stage in order, with amounts and forecasts per currency rounded half up', () => {
    expect(pipelineReport(pipelineOf([created]), deals, {})).toEqual([
      {
        position: 1,
        stageId: QUALIFIED,
        stageName: 'Qualified',
        winProbability: 10,
        retired: false,
        currency: 'USD',
        count: 1,
        amountMinor: 700,
        weightedMinor: 70,
      },
      // 3005 × 40 % = 1202
      {
        position: 2,
        stageId: PROPOSAL,
        stageName: 'Proposal sent',
        winProbability: 40,
        retired: false,
        currency: 'EUR',
        count: 2,
        amountMinor: 3005,
        weightedMinor: 1202,
      },
      {
        position: 3,
        stageId: NEGOTIATION,
        stageName: 'Negotiation',
        winProbability: 70,
        retired: false,
        currency: null,
        count: 0,
        amountMinor: 0,
        weightedMinor: 0,
      },
    ]);
  });

  it('rounds the forecast half up: 1005 at 10 % is 101 (100.5)', () => {
    const rows = pipelineReport(pipelineOf([created]), deals, { asOf: '2025-02-25T00:00:00Z', ownerId: ALICE });
    expect(rows[0]).toMatchObject({ currency: 'EUR', count: 1, amountMinor: 1005, weightedMinor: 101 });
  });

  it('shows the pipeline as it stood at a date: stages, values and owners then', () => {
    const rows = pipelineReport(pipelineOf([created]), deals, { asOf: '2025-02-05T00:00:00Z' });
    expect(rows.map(({ stageId, currency, count, amountMinor }) => [stageId, currency, count, amountMinor])).toEqual([
      [QUALIFIED, 'EUR', 3, 1005 + 2000 + 9999],
      [QUALIFIED, 'USD', 1, 700],
      [PROPOSAL, null, 0, 0],
      [NEGOTIATION, null, 0, 0],
    ]);
  });

  it('selects deals by owner and by when they were opened', () => {
    const rows = pipelineReport(pipelineOf([created]), deals, {
      ownerId: ALICE,
      openedFrom: '2025-02-02T00:00:00Z',
      openedTo: '2025-02-03T00:00:00Z',
    });
    expect(rows.filter((row) => row.count > 0)).toEqual([
      expect.objectContaining({ stageId: PROPOSAL, count: 1, amountMinor: 2000 }),
    ]);
  });

  it('weighs by the stages of the date asked, shows a retired stage only while deals are in it, and an unknown one last', () => {
    const changed = pipelineOf([
      created,
      {
        type: 'PipelineStagesChanged',
        data: {
          pipelineId: PIPELINE,
          stages: [
            { stageId: QUALIFIED, name: 'Qualified', winProbability: 20 },
            { stageId: NEGOTIATION, name: 'Negotiation', winProbability: 70, retired: true },
            { stageId: PROPOSAL, name: 'Proposal sent', winProbability: 50, retired: true },
          ],
          at: '2025-02-15T00:00:00Z',
        },
      },
    ]);
    const stranger = dealOf([opened('d5', '2025-02-01T00:00:00Z', 100, { stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2bff' })]);
    expect(
      pipelineReport(changed, [...deals, stranger], {}).map((row) => [row.stageName, row.retired, row.weightedMinor]),
    ).toEqual([
      ['Qualified', false, 140],
      ['Proposal sent', true, 1503], // 3005 × 50 % = 1502.5
      [null, false, 0],
    ]);
    expect(pipelineReport(changed, deals, { asOf: '2025-02-10T00:00:00Z' })[0]).toMatchObject({ winProbability: 10 });
  });
});

describe('win rate', () => {
  const deals = [
    dealOf([opened('d1', '2025-01-01T00:00:00Z', 100), won('d1', '2025-01-11T00:00:00Z', 100)]), // 10 days
    dealOf([opened('d2', '2025-01-01T00:00:00Z', 100), lost('d2', '2025-01-02T00:00:00Z')]), // 1 day
    dealOf([opened('d3', '2025-01-01T00:00:00Z', 100), lost('d3', '2025-01-03T00:00:00Z')]), // 2 days
    // Lost, reopened, then won: counts once, as won, its cycle from the first opening (20 days).
    dealOf([
      opened('d4', '2025-01-01T00:00:00Z', 100),
      lost('d4', '2025-01-05T00:00:00Z'),
      reopened('d4', PROPOSAL, '2025-01-10T00:00:00Z'),
      won('d4', '2025-01-21T00:00:00Z', 100),
    ]),
    // Reopened and open: counts nowhere.
    dealOf([
      opened('d5', '2025-01-01T00:00:00Z', 100),
      won('d5', '2025-01-02T00:00:00Z', 100),
      reopened('d5', PROPOSAL, '2025-01-03T00:00:00Z'),
    ]),
  ];

  it('counts each closed deal once by its latest outcome, with the average cycle in whole seconds', () => {
    expect(winRate(deals, {})).toEqual({
      won: 2,
      lost: 2,
      winRateBasisPoints: 5000,
      averageCycleSeconds: ((10 + 1 + 2 + 20) * 86_400) / 4,
    });
  });

  it('selects by when the deal closed and who owned it then', () => {
    expect(winRate(deals, { from: '2025-01-03T00:00:00Z', to: '2025-01-21T00:00:00Z' })).toMatchObject({
      won: 1,
      lost: 1,
      winRateBasisPoints: 5000,
    });
    const handedOver = dealOf([
      opened('d6', '2025-01-01T00:00:00Z', 100),
      updated('d6', { ownerId: BOB }, '2025-01-02T00:00:00Z'),
      won('d6', '2025-01-03T00:00:00Z', 100),
    ]);
    expect(winRate([...deals, handedOver], { ownerId: BOB })).toEqual({
      won: 1,
      lost: 0,
      winRateBasisPoints: 10_000,
      averageCycleSeconds: 2 * 86_400,
    });
  });

  it('rounds the rate half up in basis points, and has none without a closed deal', () => {
    expect(winRate(deals.slice(0, 3), {}).winRateBasisPoints).toBe(3333);
    expect(winRate([], { pipelineId: PIPELINE })).toEqual({
      won: 0,
      lost: 0,
      winRateBasisPoints: null,
      averageCycleSeconds: null,
    });
  });
});

describe('revenue', () => {
  const line = (lineId: string, productId: string, totalMinor: number) => ({
    lineId,
    productId,
    sku: 'SKU-1',
    name: 'Thing',
    quantity: 1,
    unitPriceMinor: totalMinor,
    discountMinor: 0,
    totalMinor,
  });
  const placed = (orderId: string, contactId: string, currency: string, lines: ReturnType<typeof line>[]): OrderEvent => {
    const totalMinor = lines.reduce((sum, { totalMinor: total }) => sum + total, 0);
    return {
      type: 'OrderPlaced',
      data: {
        orderId,
        contactId,
        currency,
        lines,
        subtotalMinor: totalMinor,
        discountMinor: 0,
        totalMinor,
        at: '2025-06-01T00:00:00Z',
      },
    };
  };
  const paid = (orderId: string, contactId: string, amountMinor: number, currency: string, at: string): OrderEvent => ({
    type: 'OrderPaid',
    data: { orderId, contactId, amountMinor, currency, at },
  });
  const refunded = (orderId: string, refundId: string, lineId: string, amountMinor: number, at: string): OrderEvent => ({
    type: 'OrderRefunded',
    data: { orderId, contactId: ADA, refundId, lines: [{ lineId, quantity: 1, amountMinor }], amountMinor, currency: 'EUR', at },
  });
  const orderOf = (events: OrderEvent[]) =>
    events.reduce<OrderRevenue | undefined>((order, event) => evolveOrderRevenue(order, event) ?? undefined, undefined)!;
  const orders = [
    orderOf([
      placed('o1', ADA, 'EUR', [line('l1', 'p1', 1000), line('l2', 'p2', 500)]),
      paid('o1', ADA, 1500, 'EUR', '2025-06-29T23:59:59Z'),
      refunded('o1', 'r1', 'l2', 500, '2025-07-01T08:00:00Z'),
      refunded('o1', 'r1', 'l2', 500, '2025-07-01T08:00:00Z'), // retried: nothing more
    ]),
    orderOf([placed('o2', BOB, 'USD', [line('l3', 'p1', 700)]), paid('o2', BOB, 700, 'USD', '2025-06-30T00:00:00Z')]),
    orderOf([
      placed('o3', BOB, 'EUR', [line('l4', 'p1', 9999)]),
      { type: 'OrderCancelled', data: { orderId: 'o3', contactId: BOB, reason: 'duplicate', at: '2025-06-30T00:00:00Z' } },
    ]),
  ];

  it('counts paid orders at the payment and refunds at the refund, never cancelled ones, per UTC day and currency', () => {
    expect(revenueReport(orders, { by: 'day' })).toEqual([
      { key: '2025-06-29', currency: 'EUR', paidMinor: 1500, refundedMinor: 0, revenueMinor: 1500 },
      { key: '2025-06-30', currency: 'USD', paidMinor: 700, refundedMinor: 0, revenueMinor: 700 },
      { key: '2025-07-01', currency: 'EUR', paidMinor: 0, refundedMinor: 500, revenueMinor: -500 },
    ]);
  });

  it('groups by ISO week, month, product and customer, within a period and a currency', () => {
    expect(revenueReport(orders, { by: 'week' }).map((row) => [row.key, row.currency, row.revenueMinor])).toEqual([
      ['2025-W26', 'EUR', 1500],
      ['2025-W27', 'EUR', -500],
      ['2025-W27', 'USD', 700],
    ]);
    expect(revenueReport(orders, { by: 'month', currency: 'EUR' }).map((row) => [row.key, row.revenueMinor])).toEqual([
      ['2025-06', 1500],
      ['2025-07', -500],
    ]);
    expect(revenueReport(orders, { by: 'product', currency: 'EUR' }).map((row) => [row.key, row.revenueMinor])).toEqual([
      ['p1', 1000],
      ['p2', 0],
    ]);
    expect(revenueReport(orders, { by: 'customer', from: '2025-06-30T00:00:00Z', to: '2025-07-01T00:00:00Z' })).toEqual([
      { key: BOB, currency: 'USD', paidMinor: 700, refundedMinor: 0, revenueMinor: 700 },
    ]);
  });

  it('numbers weeks as ISO 8601 does, across years', () => {
    expect(
      ['2024-12-30T00:00:00.000Z', '2021-01-03T12:00:00.000Z', '2020-12-31T00:00:00.000Z', '2025-06-30T00:00:00.000Z'].map(
        isoWeekOf,
      ),
    ).toEqual(['2025-W01', '2020-W53', '2020-W53', '2025-W27']);
  });
});

describe('the pipeline at a point in time', () => {
  const streams = randomSalesHistory(15);
  const pipelines = streams.filter(({ stream }) => stream.startsWith('pipeline-'));
  const deals = streams.filter(({ stream }) => stream.startsWith('deal-'));
  /** Each stream's events up to an instant, folded: what the read models held then. */
  const replayed = <T>(from: typeof streams, evolve: (doc: T | undefined, event: never) => T | null, until = '9999') =>
    from
      .map(({ events }) =>
        events
          .filter((event) => new Date(event.data.at).toISOString() <= until)
          .reduce<T | undefined>((doc, event) => evolve(doc, event as never) ?? undefined, undefined),
      )
      .filter((doc): doc is T => doc !== undefined);

  it.each(['2025-02-01T00:00:00.000Z', '2025-03-31T23:59:59.999Z', '2025-04-01T00:00:00.000Z', '2025-06-30T00:00:00.000Z'])(
    'as of %s is the report of the events up to then',
    (asOf) => {
      const fullDeals = replayed<DealHistory>(deals, evolveDealHistory);
      const dealsThen = replayed<DealHistory>(deals, evolveDealHistory, asOf);
      for (const pipeline of replayed<PipelineDefinition>(pipelines, evolvePipelineDefinition)) {
        const pipelineThen = replayed<PipelineDefinition>(pipelines, evolvePipelineDefinition, asOf).find(
          (candidate) => candidate.pipelineId === pipeline.pipelineId,
        )!;
        const report = pipelineReport(pipeline, fullDeals, { asOf });
        expect(report).toEqual(pipelineReport(pipelineThen, dealsThen, {}));
        expect(report.reduce((sum, row) => sum + row.count, 0)).toBeGreaterThan(0);
      }
    },
  );
});
