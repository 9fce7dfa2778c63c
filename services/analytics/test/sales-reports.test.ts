import { createHash } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection } from 'mongoose';
import { Pool } from 'pg';
import request from 'supertest';
import { crmContracts, topicOf, type SalesEvent } from '@crm/contracts';
import { newId, PostgresEventStore } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import {
  createKafka,
  deadLetterTopicOf,
  ensureTopics,
  EventRelay,
  parseBrokers,
  PostgresCheckpointStore,
  PostgresLease,
} from '@crm/messaging';
import { DEV_PII_MASTER_KEY } from '@crm/platform';
import { documentedAnswers, testToken } from '@crm/platform/nest/testing';
import { parseMasterKey, PersonalDataVault, PostgresSubjectKeyStore } from '@crm/privacy';
import { PROJECTION_STATE_COLLECTION, type ProjectionState } from '@crm/projections';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { createServiceTestApp, serviceTestConfig } from '@crm/service-kit/testing';
import { eventually } from '../../../libs/messaging/test/support';
import { waitForGroupAtEnd } from '../../../libs/projections/test/support';
import { ensureTopicsOfServicesNotStarted } from '../../../test/support/source-topics';
import { analyticsService } from '../src/analytics.service';
import { expectRebuiltUnchanged } from './rebuild';
import { randomSalesHistory, type SalesStream } from '../src/testing/sales-history';

/**
 * The sales reports against the real PostgreSQL, Kafka and MongoDB-wire servers: a seeded random sales history is
 * recorded as the sales service records it (checked, sealed, appended) and published by the relay onto a topic of
 * this test's own; each report (JSON and CSV) is compared to a plain recomputation from the same events, here below.
 */
describe('sales reports', () => {
  const schema = uniqueSchema('analytics_reports');
  const prefix = `test-${schema}`;
  const topic = topicOf('sales', prefix);
  const config = serviceTestConfig(analyticsService, {
    KAFKA_TOPIC_PREFIX: prefix,
    ANALYTICS_READ_DB: schema,
    SUBJECT_KEYS_SCHEMA: schema,
  });
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
  const store = new PostgresEventStore({ pool, schema });
  const keys = new PostgresSubjectKeyStore(pool, parseMasterKey(DEV_PII_MASTER_KEY), schema);
  const vault = new PersonalDataVault(crmContracts, keys);
  const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: 'analytics-test-sales' });
  let relay: EventRelay;
  let app: NestExpressApplication;
  let readModels: Connection;

  const history = randomSalesHistory(20261206);
  const eventCount = history.reduce((sum, { events }) => sum + events.length, 0);
  const analyst = `Bearer ${testToken(['analyst'])}`;
  const get = (path: string, token = analyst) => request(app.getHttpServer()).get(path).set('Authorization', token);

  /** Appends a stream's events as the sales service does: checked against their contracts, sealed. */
  async function record({ stream, events }: SalesStream): Promise<void> {
    const prepared = events.map((event) => ({
      id: newId(),
      ...crmContracts.prepareForAppend<unknown>({ ...event, metadata: { actor: 'user-seed', correlationId: newId() } }),
    }));
    await store.append(stream, await vault.seal(prepared));
  }

  beforeAll(async () => {
    await store.migrate();
    await keys.migrate();
    const checkpoints = new PostgresCheckpointStore(pool, schema);
    await checkpoints.migrate();
    await ensureTopics(kafka, [topic, deadLetterTopicOf(topic)]);
    await ensureTopicsOfServicesNotStarted(kafka, prefix, ['sales']);
    relay = new EventRelay({
      service: 'sales',
      store,
      kafka,
      topic,
      checkpoints,
      lease: new PostgresLease({ connectionString: process.env.DATABASE_URL }, `relay:${schema}:sales`),
      subjectOf: (event) => crmContracts.subjectOf(event.type, event.data),
      aggregateIdOf: (event) => event.streamName.slice(event.streamName.indexOf('-') + 1),
      prepare: (events) => vault.toPublished(events),
    });
    relay.start();
    app = await createServiceTestApp(analyticsService, config);
    readModels = app.get<Connection>(READ_MODELS);
    for (const stream of history) await record(stream);
    await caughtUp();
  }, 180_000);

  afterAll(async () => {
    const db = readModels?.db;
    await app?.close();
    await relay?.stop();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
    if (db) await db.dropDatabase().catch(() => undefined);
  });

  const SALES_PROJECTIONS = [
    ['sales-pipelines', 'sales_pipelines'],
    ['deal-histories', 'deal_histories'],
    ['order-revenue', 'order_revenue'],
  ] as const;

  /** Every recorded event is on the topic, and every sales projection has read to its end. */
  async function caughtUp(): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () =>
          (await admin.fetchTopicOffsets(topic)).reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0) >=
          eventCount,
        120_000,
        `${eventCount} events published`,
      );
    } finally {
      await admin.disconnect();
    }
    const states = readModels.db!.collection<ProjectionState>(PROJECTION_STATE_COLLECTION);
    for (const [projection] of SALES_PROJECTIONS) {
      await eventually(async () => (await states.findOne({ _id: projection })) !== null, 30_000, `${projection} running`);
      await waitForGroupAtEnd(kafka, (await states.findOne({ _id: projection }))!.groupId, topic, 120_000);
    }
  }

  let errorsOf: ReturnType<typeof documentedAnswers> | undefined;
  async function report(path: string, query: Record<string, string>): Promise<{ rows: Record<string, unknown>[] }> {
    const { body } = await get(path)
      .query(query)
      .expect(200)
      .expect('Content-Type', /application\/json/);
    errorsOf ??= documentedAnswers((await request(app.getHttpServer()).get('/openapi.json').expect(200)).body);
    expect(errorsOf('get', path, 200, body)).toEqual([]);
    return body;
  }
  async function csv(path: string, query: Record<string, string>): Promise<string> {
    const response = await get(path)
      .query({ ...query, format: 'csv' })
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    return response.text;
  }

  // ---- The independent recomputation: each stream replayed plainly, as far as a date. ----

  const ms = (at: string) => Date.parse(at);
  const pipelines = history.filter(({ stream }) => stream.startsWith('pipeline-'));
  const deals = history.filter(({ stream }) => stream.startsWith('deal-'));
  const orders = history.filter(({ stream }) => stream.startsWith('order-'));
  const pipelineIds = pipelines.map(({ stream }) => stream.slice('pipeline-'.length));
  const halfUp = (numerator: bigint, denominator: bigint) => Number((2n * numerator + denominator) / (2n * denominator));

  type Stage = { stageId: string; name: string; winProbability: number; retired?: boolean };
  type DealNow = {
    pipelineId: string;
    stageId: string;
    open: boolean;
    amount: number;
    currency: string;
    owner: string | null;
    openedAt: number;
  };

  /** A deal as its events up to `until` left it. */
  function replayDeal(events: SalesEvent[], until = Infinity): DealNow | undefined {
    let deal: DealNow | undefined;
    for (const event of events) {
      if (ms(event.data.at) > until) break;
      if (event.type === 'DealOpened') {
        const { pipelineId, stageId, value, ownerId, at } = event.data;
        deal = {
          pipelineId,
          stageId,
          open: true,
          amount: value.amountMinor,
          currency: value.currency,
          owner: ownerId ?? null,
          openedAt: ms(at),
        };
      } else if (deal && event.type === 'DealStageChanged') deal.stageId = event.data.toStageId;
      else if (deal && event.type === 'DealUpdated') {
        if (event.data.changes.value)
          [deal.amount, deal.currency] = [event.data.changes.value.amountMinor, event.data.changes.value.currency];
        if (event.data.changes.ownerId) deal.owner = event.data.changes.ownerId;
        if (event.data.cleared.includes('ownerId')) deal.owner = null;
      } else if (deal && (event.type === 'DealWon' || event.type === 'DealLost')) deal.open = false;
      else if (deal && event.type === 'DealReopened') [deal.open, deal.stageId] = [true, event.data.stageId];
    }
    return deal;
  }

  function expectedPipelineRows(pipelineId: string, asOf?: string, ownerId?: string, openedFrom?: string, openedTo?: string) {
    const until = asOf ? ms(asOf) : Infinity;
    let stages: Stage[] = [];
    for (const event of pipelines.find(({ stream }) => stream.endsWith(pipelineId))!.events) {
      if (event.type === 'PipelineCreated' || (event.type === 'PipelineStagesChanged' && ms(event.data.at) <= until))
        stages = event.data.stages;
    }
    const totals: Record<string, Record<string, { count: number; amount: bigint }>> = {};
    for (const { events } of deals) {
      const deal = replayDeal(events, until);
      if (!deal || !deal.open || deal.pipelineId !== pipelineId) continue;
      if (ownerId && deal.owner !== ownerId) continue;
      if ((openedFrom && deal.openedAt < ms(openedFrom)) || (openedTo && deal.openedAt >= ms(openedTo))) continue;
      const cell = ((totals[deal.stageId] ??= {})[deal.currency] ??= { count: 0, amount: 0n });
      cell.count += 1;
      cell.amount += BigInt(deal.amount);
    }
    const shown = stages.filter((stage) => !stage.retired || totals[stage.stageId]);
    const rows: Record<string, unknown>[] = [];
    shown.forEach((stage, index) => {
      const stageColumns = {
        position: index + 1,
        stageId: stage.stageId,
        stageName: stage.name,
        winProbability: stage.winProbability,
        retired: stage.retired === true,
      };
      const currencies = Object.keys(totals[stage.stageId] ?? {}).sort();
      if (currencies.length === 0) rows.push({ ...stageColumns, currency: null, count: 0, amountMinor: 0, weightedMinor: 0 });
      for (const currency of currencies) {
        const { count, amount } = totals[stage.stageId][currency];
        rows.push({
          ...stageColumns,
          currency,
          count,
          amountMinor: Number(amount),
          weightedMinor: halfUp(amount * BigInt(stage.winProbability), 100n),
        });
      }
    });
    return rows;
  }

  function expectedWinRate(pipelineId?: string, ownerId?: string, from?: string, to?: string) {
    let [won, lost, cycles] = [0, 0, 0n];
    for (const { events } of deals) {
      const opened = events[0].data as { pipelineId: string; at: string };
      if (pipelineId && opened.pipelineId !== pipelineId) continue;
      const deal = replayDeal(events)!;
      const last = events[events.length - 1];
      if (deal.open || (last.type !== 'DealWon' && last.type !== 'DealLost')) continue;
      const closedAt = ms(last.data.at);
      if ((from && closedAt < ms(from)) || (to && closedAt >= ms(to)) || (ownerId && deal.owner !== ownerId)) continue;
      if (last.type === 'DealWon') won += 1;
      else lost += 1;
      cycles += BigInt(closedAt - ms(opened.at));
    }
    const closed = won + lost;
    return {
      won,
      lost,
      winRateBasisPoints: closed === 0 ? null : halfUp(BigInt(won) * 10_000n, BigInt(closed)),
      averageCycleSeconds: closed === 0 ? null : halfUp(cycles, BigInt(closed) * 1000n),
    };
  }

  function expectedRevenue(by: string, from?: string, to?: string, currency?: string) {
    const totals = new Map<string, { key: string; currency: string; paid: number; refunded: number }>();
    const add = (at: string, key: (day: string) => string, orderCurrency: string, paid: number, refunded: number) => {
      if ((currency && orderCurrency !== currency) || (from && ms(at) < ms(from)) || (to && ms(at) >= ms(to))) return;
      const id = `${key(at)}|${orderCurrency}`;
      const total = totals.get(id) ?? { key: key(at), currency: orderCurrency, paid: 0, refunded: 0 };
      totals.set(id, { ...total, paid: total.paid + paid, refunded: total.refunded + refunded });
    };
    for (const { events } of orders) {
      const placed = events[0];
      if (placed.type !== 'OrderPlaced') throw new Error('an order starts placed');
      const { contactId, lines } = placed.data;
      const seenRefunds = new Set<string>();
      for (const event of events) {
        const keyOf = (productId: string) => (at: string) =>
          by === 'day'
            ? at.slice(0, 10)
            : by === 'month'
              ? at.slice(0, 7)
              : by === 'week'
                ? isoWeek(at)
                : by === 'product'
                  ? productId
                  : contactId;
        if (event.type === 'OrderPaid')
          for (const line of lines) add(event.data.at, keyOf(line.productId), placed.data.currency, line.totalMinor, 0);
        if (event.type === 'OrderRefunded' && !seenRefunds.has(event.data.refundId)) {
          seenRefunds.add(event.data.refundId);
          for (const line of event.data.lines) {
            const productId = lines.find((candidate) => candidate.lineId === line.lineId)!.productId;
            add(event.data.at, keyOf(productId), placed.data.currency, 0, line.amountMinor);
          }
        }
      }
    }
    return [...totals.values()]
      .sort((a, b) => (a.key === b.key ? a.currency.localeCompare(b.currency) : a.key < b.key ? -1 : 1))
      .map(({ key, currency: rowCurrency, paid, refunded }) => ({
        key,
        currency: rowCurrency,
        paidMinor: paid,
        refundedMinor: refunded,
        revenueMinor: paid - refunded,
      }));
  }

  /** ISO 8601 week, counted plainly: the week of its Thursday, numbered by that Thursday's day of the year. */
  function isoWeek(at: string): string {
    const day = new Date(at.slice(0, 10));
    const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * 86_400_000);
    const dayOfYear = (thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / 86_400_000 + 1;
    return `${thursday.getUTCFullYear()}-W${String(Math.ceil(dayOfYear / 7)).padStart(2, '0')}`;
  }

  const csvOf = (columns: string[], rows: Record<string, unknown>[]) =>
    [
      columns.join(','),
      ...rows.map((row) => columns.map((column) => (row[column] === null ? '' : String(row[column]))).join(',')),
    ].join('\n') + '\n';

  // ---- The reports. ----

  const owners = [...new Set(deals.map(({ events }) => (events[0].data as { ownerId: string }).ownerId))];
  const dates = [
    '2025-02-15T00:00:00.000Z',
    '2025-03-31T23:59:59.999Z',
    '2025-04-01T00:00:00Z',
    '2025-06-30T00:00:00Z',
    '2025-09-01T12:00:00+02:00',
  ];

  it('shows each pipeline per stage now, as the plain recomputation does, in JSON and CSV', async () => {
    for (const pipelineId of pipelineIds) {
      const expected = expectedPipelineRows(pipelineId);
      const body = await report('/v1/reports/pipeline', { pipelineId });
      expect(body).toMatchObject({ pipelineId, pipelineName: expect.stringMatching(/^Pipeline/) });
      expect(body.rows).toEqual(expected);
      expect(expected.reduce((sum, row) => sum + (row.count as number), 0)).toBeGreaterThan(10);
      const columns = Object.keys(expected[0]);
      expect(await csv('/v1/reports/pipeline', { pipelineId })).toBe(csvOf(columns, expected));
    }
  });

  it('shows the pipeline as it stood at past dates, as replaying only the events up to then does', async () => {
    for (const pipelineId of pipelineIds)
      for (const asOf of dates) {
        const body = await report('/v1/reports/pipeline', { pipelineId, asOf });
        expect(body.rows).toEqual(expectedPipelineRows(pipelineId, asOf));
      }
  });

  it('selects the pipeline’s deals by owner and by when they were opened', async () => {
    const [pipelineId] = pipelineIds;
    for (const ownerId of owners.slice(0, 2)) {
      const query = { pipelineId, ownerId, openedFrom: '2025-02-01T00:00:00Z', openedTo: '2025-05-01T00:00:00Z' };
      expect((await report('/v1/reports/pipeline', query)).rows).toEqual(
        expectedPipelineRows(pipelineId, undefined, ownerId, query.openedFrom, query.openedTo),
      );
      const asOf = '2025-05-15T00:00:00.000Z';
      expect((await report('/v1/reports/pipeline', { ...query, asOf })).rows).toEqual(
        expectedPipelineRows(pipelineId, asOf, ownerId, query.openedFrom, query.openedTo),
      );
    }
  });

  it('gives the win rate and the average cycle, for every deal, a pipeline, an owner and a period', async () => {
    const cases: [string?, string?, string?, string?][] = [
      [],
      [pipelineIds[0]],
      [pipelineIds[1], owners[0]],
      [undefined, owners[1], '2025-03-01T00:00:00Z', '2025-06-01T00:00:00Z'],
    ];
    for (const [pipelineId, ownerId, from, to] of cases) {
      const query = Object.fromEntries(
        Object.entries({ pipelineId, ownerId, from, to }).filter(([, value]) => value !== undefined),
      ) as Record<string, string>;
      const expected = expectedWinRate(pipelineId, ownerId, from, to);
      expect((await report('/v1/reports/win-rate', query)).rows).toEqual([expected]);
      expect(await csv('/v1/reports/win-rate', query)).toBe(csvOf(Object.keys(expected), [expected]));
    }
    expect(expectedWinRate().won).toBeGreaterThan(10);
  });

  it('gives revenue per day, ISO week, month, product and customer, in a period and a currency', async () => {
    for (const by of ['day', 'week', 'month', 'product', 'customer']) {
      const expected = expectedRevenue(by);
      expect((await report('/v1/reports/revenue', { by })).rows).toEqual(expected);
      expect(await csv('/v1/reports/revenue', { by })).toBe(
        csvOf(['key', 'currency', 'paidMinor', 'refundedMinor', 'revenueMinor'], expected),
      );
    }
    const query = { by: 'week', from: '2025-03-03T00:00:00Z', to: '2025-05-05T00:00:00Z', currency: 'EUR' };
    const expected = expectedRevenue(query.by, query.from, query.to, query.currency);
    expect((await report('/v1/reports/revenue', query)).rows).toEqual(expected);
    expect(expected.some((row) => row.refundedMinor > 0)).toBe(true);
  });

  it('rebuilds the sales read models to the same documents, and the same reports', async () => {
    const reports = async () => {
      const answers = [];
      for (const pipelineId of pipelineIds)
        for (const asOf of [undefined, ...dates])
          answers.push((await report('/v1/reports/pipeline', { pipelineId, ...(asOf && { asOf }) })).rows);
      answers.push((await report('/v1/reports/win-rate', {})).rows);
      for (const by of ['day', 'week', 'product', 'customer']) answers.push((await report('/v1/reports/revenue', { by })).rows);
      return createHash('sha256').update(JSON.stringify(answers)).digest('hex');
    };
    const reportsBefore = await reports();
    for (const [projection, collection] of SALES_PROJECTIONS) {
      await expectRebuiltUnchanged(readModels, config, projection, collection);
    }
    expect(await reports()).toBe(reportsBefore);
  });

  it('requires a token (401) and a reading role (403) on every report', async () => {
    for (const path of [
      `/v1/reports/pipeline?pipelineId=${pipelineIds[0]}`,
      '/v1/reports/win-rate',
      '/v1/reports/revenue?by=day',
    ]) {
      const missing = await request(app.getHttpServer()).get(path).expect(401);
      expect(missing.headers['content-type']).toContain('application/problem+json');
      await get(path, `Bearer ${testToken(['service'])}`).expect(403);
      await get(path, `Bearer ${testToken(['sales'])}`).expect(200);
    }
  });

  it('answers 404 for a pipeline analytics has not seen', async () => {
    const { body } = await get('/v1/reports/pipeline').query({ pipelineId: newId() }).expect(404);
    expect(body).toMatchObject({ status: 404, type: 'https://crm.example/problems/pipeline-not-found' });
  });

  it.each([
    ['no pipeline', '/v1/reports/pipeline', {}, 'pipelineId'],
    ['a malformed pipeline id', '/v1/reports/pipeline', { pipelineId: 'pipeline-1' }, 'pipelineId'],
    ['a time without an offset', '/v1/reports/pipeline', { pipelineId: newId(), asOf: '2025-06-30T00:00:00' }, 'asOf'],
    [
      'an opening period that ends first',
      '/v1/reports/pipeline',
      { pipelineId: newId(), openedFrom: '2025-02-01T00:00:00Z', openedTo: '2025-01-01T00:00:00Z' },
      'openedTo',
    ],
    ['an unknown format', '/v1/reports/win-rate', { format: 'xml' }, 'format'],
    ['a malformed owner', '/v1/reports/win-rate', { ownerId: '{"$ne":null}' }, 'ownerId'],
    ['a period that ends first', '/v1/reports/win-rate', { from: '2025-02-01T00:00:00Z', to: '2025-02-01T00:00:00Z' }, 'to'],
    ['no grouping', '/v1/reports/revenue', {}, 'by'],
    ['an unknown grouping', '/v1/reports/revenue', { by: 'year' }, 'by'],
    ['a lower-case currency', '/v1/reports/revenue', { by: 'day', currency: 'eur' }, 'currency'],
    ['an unknown parameter', '/v1/reports/revenue', { by: 'day', limit: '5' }, 'limit'],
    ['an operator', '/v1/reports/revenue', 'by=day&from[$gt]=x', 'from'],
  ])('refuses %s with a 400 problem naming the parameter', async (_, path, query, field) => {
    const response = await get(path).query(query).expect(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(response.body)).toContain(field);
  });
});
