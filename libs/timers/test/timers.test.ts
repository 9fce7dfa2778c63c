import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { metricsRegistry } from '@crm/platform';
import { PostgresTimerStore, TimerScheduler, type TimerHandler, type TimerSchedulerOptions } from '@crm/timers';
import { eventually, timersByState } from './support';

interface DealRotting {
  dealId: string;
}

const rotting = (dealId: string, dueAt: Date, n = 1) => ({
  id: `deal-rotting:${dealId}:${n}`,
  kind: 'deal-rotting',
  dueAt,
  payload: { dealId },
});

/** Due a second ago. */
const overdue = () => new Date(Date.now() - 1000);

/** The value of a counter of @crm/timers for one kind of timer. */
async function counted(metric: string, kind: string): Promise<number> {
  const values = (await metricsRegistry.getSingleMetric(metric)?.get())?.values ?? [];
  return values.find((value) => value.labels.kind === kind)?.value ?? 0;
}

describe('durable timers (PostgreSQL)', () => {
  let pool: Pool;
  let schema: string;
  let store: PostgresTimerStore;
  const schedulers: TimerScheduler[] = [];

  /** A started scheduler with short intervals; stopped after each test. */
  function scheduler(handlers: TimerSchedulerOptions['handlers'], options: Partial<TimerSchedulerOptions> = {}) {
    const started = new TimerScheduler({
      store,
      handlers,
      pollIntervalMs: 50,
      leaseMs: 10_000,
      retry: { initialDelayMs: 10, maxDelayMs: 100 },
      ...options,
    });
    schedulers.push(started);
    started.start();
    return started;
  }

  beforeAll(() => {
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
  });
  afterAll(() => pool.end());

  beforeEach(async () => {
    schema = uniqueSchema('timers');
    store = new PostgresTimerStore(pool, schema);
    await store.migrate();
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((started) => started.stop()));
    await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  });

  it('creates a timer once per id: the first schedule wins, a repeat with another due time changes nothing', async () => {
    const first = new Date('2027-01-10T09:00:00.000Z');
    expect(await store.schedule(rotting('d-1', first))).toBe(true);
    expect(await store.schedule({ ...rotting('d-1', new Date('2027-01-20T09:00:00.000Z')), payload: { dealId: 'other' } })).toBe(
      false,
    );

    expect(await store.get('deal-rotting:d-1:1')).toMatchObject({
      kind: 'deal-rotting',
      dueAt: first,
      payload: { dealId: 'd-1' },
      state: 'scheduled',
      attempts: 0,
      lastError: null,
    });
    expect(await timersByState(pool, schema)).toEqual({ scheduled: 1 });
  });

  it("schedules and cancels within the caller's transaction: nothing if it rolls back", async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await store.schedule(rotting('d-1', overdue()), client);
      await client.query('ROLLBACK');
      expect(await store.get('deal-rotting:d-1:1')).toBeUndefined();

      await client.query('BEGIN');
      await store.schedule(rotting('d-1', overdue()), client);
      await client.query('COMMIT');
      await client.query('BEGIN');
      expect(await store.cancel('deal-rotting:d-1:1', client)).toBe(true);
      await client.query('ROLLBACK');
      expect((await store.get('deal-rotting:d-1:1'))?.state).toBe('scheduled');
    } finally {
      client.release();
    }
  });

  it('never fires a cancelled timer, and a repeated schedule does not bring it back', async () => {
    await store.schedule(rotting('d-1', overdue()));
    await store.schedule(rotting('d-2', overdue()));
    expect(await store.cancel('deal-rotting:d-1:1')).toBe(true);
    expect(await store.cancel('deal-rotting:d-1:1')).toBe(false); // already cancelled
    expect(await store.cancel('deal-rotting:d-9:1')).toBe(false); // never scheduled
    expect(await store.schedule(rotting('d-1', overdue()))).toBe(false);

    const handled: string[] = [];
    scheduler({ 'deal-rotting': async (timer) => void handled.push(timer.id) });
    await eventually(async () => (await store.get('deal-rotting:d-2:1'))?.state === 'fired', 'the other timer to fire');

    expect(handled).toEqual(['deal-rotting:d-2:1']);
    expect((await store.get('deal-rotting:d-1:1'))?.state).toBe('cancelled');
    expect(await store.cancel('deal-rotting:d-2:1')).toBe(false); // fired: too late to cancel
  });

  it('fires a timer once it is due, not before; one due later stays scheduled', async () => {
    const soon = new Date(Date.now() + 500);
    await store.schedule(rotting('d-1', soon));
    await store.schedule(rotting('d-2', new Date(Date.now() + 3_600_000)));
    const ranAt = new Map<string, number>();
    const firedBefore = await counted('crm_timers_fired_total', 'deal-rotting');
    // Polling once a minute: it looks again when the next timer falls due, not a poll later.
    scheduler({ 'deal-rotting': async (timer) => void ranAt.set(timer.id, Date.now()) }, { pollIntervalMs: 60_000 });

    await eventually(async () => (await store.get('deal-rotting:d-1:1'))?.state === 'fired', 'the timer to fire');
    expect(ranAt.get('deal-rotting:d-1:1')).toBeGreaterThanOrEqual(soon.getTime());
    const fired = await store.get('deal-rotting:d-1:1');
    expect(fired?.firedAt?.getTime()).toBeGreaterThanOrEqual(soon.getTime());
    expect(fired).toMatchObject({ attempts: 1, claimedBy: null, claimedUntil: null });
    expect(await store.get('deal-rotting:d-2:1')).toMatchObject({ state: 'scheduled', attempts: 0 });
    expect([...ranAt.keys()]).toEqual(['deal-rotting:d-1:1']);
    expect(await counted('crm_timers_fired_total', 'deal-rotting')).toBe(firedBefore + 1);
  });

  it('wakes when another replica schedules a timer due before its next look', async () => {
    const handled: string[] = [];
    // Its next look is ten minutes away: only the replica's NOTIFY can make it fire within the test.
    scheduler({ 'deal-rotting': async (timer) => void handled.push(timer.id) }, { pollIntervalMs: 600_000 });
    await sleep(200); // it has looked once, found nothing and waits
    const otherReplica = new PostgresTimerStore(pool, schema);
    await otherReplica.schedule(rotting('d-1', overdue()));

    await eventually(() => handled.length === 1, 'the new timer to fire', 30_000);
    expect(handled).toEqual(['deal-rotting:d-1:1']);
  });

  it('retries a failing handler with backoff, recording the error, until it succeeds', async () => {
    const kind = 'quote-expiry';
    await store.schedule({ id: 'quote-expiry:q-1', kind, dueAt: overdue(), payload: { quoteId: 'q-1' } });
    const attempts: number[] = [];
    const failedBefore = await counted('crm_timers_failed_total', kind);
    const handler: TimerHandler<{ quoteId: string }> = async (timer) => {
      attempts.push(timer.attempt);
      if (attempts.length < 3) throw new Error(`pricing service unreachable (run ${attempts.length})`);
    };
    scheduler({ [kind]: handler });

    await eventually(async () => (await store.get('quote-expiry:q-1'))?.state === 'fired', 'the timer to fire');
    expect(attempts).toEqual([1, 2, 3]);
    expect(await store.get('quote-expiry:q-1')).toMatchObject({
      attempts: 3,
      lastError: 'Error: pricing service unreachable (run 2)',
    });
    expect(await counted('crm_timers_failed_total', kind)).toBe(failedBefore + 2);
  });

  it('takes over the claim of a scheduler that crashed once its lease lapses', async () => {
    await store.schedule(rotting('d-1', overdue()));
    // A replica claimed it and died before running it.
    expect(await store.claimDue('crashed-replica', ['deal-rotting'], 10, 300)).toHaveLength(1);
    expect((await store.get('deal-rotting:d-1:1'))?.claimedBy).toBe('crashed-replica');

    const handled: number[] = [];
    scheduler({ 'deal-rotting': async (timer) => void handled.push(timer.attempt) });
    await eventually(async () => (await store.get('deal-rotting:d-1:1'))?.state === 'fired', 'the timer to fire');

    expect(handled).toEqual([2]); // the crashed run counts as the first attempt
    expect(await store.markFired('crashed-replica', 'deal-rotting:d-1:1')).toBe(false);
  });

  it('renews the claim of a handler that runs longer than its lease, so no other scheduler runs it meanwhile', async () => {
    for (const dealId of ['d-1', 'd-2', 'd-3']) await store.schedule(rotting(dealId, overdue()));
    const runs = new Map<string, number>();
    const slow: TimerHandler = async (timer) => {
      runs.set(timer.id, (runs.get(timer.id) ?? 0) + 1);
      await sleep(3_000); // two leases
    };
    scheduler({ 'deal-rotting': slow }, { leaseMs: 1_500 });
    scheduler({ 'deal-rotting': slow }, { leaseMs: 1_500 });

    await eventually(async () => (await timersByState(pool, schema)).fired === 3, 'every timer to fire');
    expect(Object.fromEntries(runs)).toEqual({ 'deal-rotting:d-1:1': 1, 'deal-rotting:d-2:1': 1, 'deal-rotting:d-3:1': 1 });
  });

  it('runs each of 300 due timers exactly once with two schedulers on the table', async () => {
    const count = 300;
    await pool.query(`CREATE TABLE "${schema}".rotten_deals (timer_id text PRIMARY KEY, deal_id text NOT NULL)`);
    for (let n = 0; n < count; n++) await store.schedule(rotting(`d-${n}`, overdue()));
    const runs = new Map<string, number>();
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    const handler: TimerHandler<DealRotting> = async (timer) => {
      runs.set(timer.id, (runs.get(timer.id) ?? 0) + 1);
      if (inFlight.has(timer.id)) overlaps.push(timer.id);
      inFlight.add(timer.id);
      try {
        // The effect: a second one for a timer would break the primary key (and the run would count again).
        await pool.query(`INSERT INTO "${schema}".rotten_deals (timer_id, deal_id) VALUES ($1, $2)`, [
          timer.id,
          timer.payload.dealId,
        ]);
      } finally {
        inFlight.delete(timer.id);
      }
    };
    const replicas = [
      scheduler({ 'deal-rotting': handler }, { batchSize: 10 }),
      scheduler({ 'deal-rotting': handler }, { batchSize: 10 }),
    ];
    expect(replicas[0].owner).not.toBe(replicas[1].owner);

    await eventually(async () => (await timersByState(pool, schema)).fired === count, 'every timer to fire');
    const { rows } = await pool.query<{ effects: number }>(`SELECT count(*)::int AS effects FROM "${schema}".rotten_deals`);
    expect(rows[0].effects).toBe(count);
    expect(runs.size).toBe(count);
    expect([...runs.values()].every((times) => times === 1)).toBe(true);
    expect(overlaps).toEqual([]);
    expect(await timersByState(pool, schema)).toEqual({ fired: count });
  });

  it('reports how long the oldest due timer has waited', async () => {
    await store.schedule(rotting('d-1', new Date(Date.now() - 60_000)));
    expect(await store.overdueSeconds()).toBeGreaterThanOrEqual(60);
    scheduler({ 'deal-rotting': async () => undefined });
    await eventually(async () => (await timersByState(pool, schema)).fired === 1, 'the timer to fire');
    await eventually(
      async () => (await metricsRegistry.getSingleMetric('crm_timers_overdue_seconds')?.get())?.values[0]?.value === 0,
      'the overdue gauge to fall back to 0',
    );
  });
});
