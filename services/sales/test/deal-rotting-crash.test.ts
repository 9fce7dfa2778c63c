import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { crmContracts } from '@crm/contracts';
import { AggregateRepository, newId, PostgresEventStore, streamOf, type Aggregate, type DomainEvent } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { createKafka, parseBrokers } from '@crm/messaging';
import { TEST_JWT_SECRET } from '@crm/platform/nest/testing';
import { timerEventId } from '@crm/timers';
import { startService, type ServiceProcess } from '../../../test/e2e/service-process';
import { ensureTopicsOfServicesNotStarted } from '../../../test/support/source-topics';
import { dealRottingTimerId } from '../src/application/deal-rotting';
import { dealAggregate } from '../src/domain/deal';
import { pipelineAggregate } from '../src/domain/pipeline';
import { eventually } from './support';

const DEALS = 150;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The sales service killed while rotting timers are due: every deal is flagged once. The service runs as its own
 * process (dist/, built by `npm run build`) and does it all: its relay publishes the deals' events, its reactor sets
 * their timers, its scheduler fires them. The first replica is killed with SIGKILL part way, two more take over on the
 * same table once its claims lapse (TIMERS_LEASE). Deals were opened three days ago in a stage that rots after one:
 * the test writes them as the service would, through the deal's decider and the contracts (their events carry no
 * personal data, so nothing is sealed), before any replica runs.
 */
describe(`sales: a replica killed while ${DEALS} rotting timers are due`, () => {
  const schema = uniqueSchema('sales_rot_crash');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  const store = new PostgresEventStore({ pool, schema });
  const repository = <State, Command, Event extends DomainEvent>(aggregate: Aggregate<State, Command, Event>) =>
    new AggregateRepository(store, aggregate.decider, (id) => streamOf(aggregate, id), {
      toNewEvents: (events) => events.map((event) => ({ id: event.id, ...crmContracts.prepareForAppend(event) })),
    });
  const replicas: ServiceProcess[] = [];
  const env = {
    JWT_SECRET: TEST_JWT_SECRET,
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    SALES_DB_SCHEMA: schema,
    SALES_READ_DB: schema,
    SUBJECT_KEYS_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: `test-${schema}`,
    // Small batches, so that the kill finds timers due; a short lease, so that the others take over soon after.
    TIMERS_BATCH_SIZE: '2',
    TIMERS_LEASE: '1s',
    TIMERS_POLL_INTERVAL: '100ms',
  };
  const dealIds = Array.from({ length: DEALS }, () => newId());

  beforeAll(async () => {
    // The topics it reacts to exist before it starts (it waits for them), as when contacts runs.
    const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: `${schema}-topics` });
    await ensureTopicsOfServicesNotStarted(kafka, `test-${schema}`, ['sales']);
    await store.migrate();
    const pipelineId = newId();
    const stage = { stageId: newId(), name: 'Proposal', winProbability: 40, rottingDays: 1 };
    const threeDaysAgo = new Date(Date.now() - 3 * DAY_MS).toISOString();
    await repository(pipelineAggregate).handle(pipelineId, {
      type: 'CreatePipeline',
      data: { pipelineId, name: 'Rotting', stages: [stage], now: threeDaysAgo },
    });
    const pipeline = { pipelineId, stages: [stage] };
    const deals = repository(dealAggregate);
    for (const dealId of dealIds) {
      await deals.handle(dealId, {
        type: 'OpenDeal',
        data: {
          dealId,
          contactId: newId(),
          pipeline,
          title: 'Engines',
          value: { amountMinor: 100_00, currency: 'EUR' },
          now: threeDaysAgo,
        },
      });
    }
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop(2000)));
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  const firedTimers = async () =>
    (await pool.query(`SELECT 1 FROM "${schema}".timers WHERE state = 'fired'`).catch(() => ({ rowCount: 0 }))).rowCount ?? 0;

  it('flags every deal exactly once: one DealRotted each, with the id derived from its timer', async () => {
    const first = await startService('sales', env);
    replicas.push(first);
    await eventually(async () => (await firedTimers()) >= 20, 'the first replica to fire some timers', 120_000);
    await first.kill();
    // Killed with timers left to fire (set or not yet: its reactor may not have seen every deal either).
    expect(await firedTimers()).toBeLessThan(DEALS);

    replicas.push(await startService('sales', env), await startService('sales', env));
    await eventually(async () => (await firedTimers()) === DEALS, 'every deal’s timer to fire', 120_000);

    const { rows } = await pool.query<{ stream_name: string; event_id: string }>(
      `SELECT stream_name, event_id FROM "${schema}".events WHERE event_type = 'DealRotted'`,
    );
    expect(rows).toHaveLength(DEALS);
    expect(new Set(rows.map((row) => row.stream_name))).toEqual(new Set(dealIds.map((id) => `deal-${id}`)));
    for (const { stream_name, event_id } of rows) {
      expect(event_id).toBe(timerEventId(dealRottingTimerId(stream_name.slice('deal-'.length), 0)));
    }
    const { rows: timers } = await pool.query(`SELECT state, count(*)::int AS count FROM "${schema}".timers GROUP BY state`);
    expect(timers).toEqual([{ state: 'fired', count: DEALS }]);
  });
});
