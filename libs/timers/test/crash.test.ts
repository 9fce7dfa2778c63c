import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PostgresEventStore } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { PostgresTimerStore, timerEventId } from '@crm/timers';
import { eventually, timersByState } from './support';

const WORKER = join(__dirname, '../../../dist/libs/timers/test/crash-worker.js');
const TIMERS = 300;

/** A replica in a process of its own (crash-worker.ts). */
function startReplica(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function end(replica: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (replica.exitCode !== null || replica.signalCode !== null) return;
  const exited = new Promise((resolve) => replica.once('exit', resolve));
  replica.kill(signal);
  await exited;
}

describe(`durable timers: a replica killed while ${TIMERS} timers are due`, () => {
  const schema = uniqueSchema('timers_crash');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
  const timers = new PostgresTimerStore(pool, schema);
  const replicas: ChildProcess[] = [];
  const ids = Array.from({ length: TIMERS }, (_, n) => `deal-rotting:d-${n}:1`);

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error('The worker is not built: run `npm run build` (npm test does).');
    await new PostgresEventStore({ pool, schema }).migrate();
    await timers.migrate();
  });
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => end(replica, 'SIGKILL')));
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  const eventsOf = async (timerId: string) =>
    (await pool.query(`SELECT 1 FROM "${schema}".events WHERE data->>'timerId' = $1`, [timerId])).rowCount;

  it('fires each timer exactly once: every timer marked fired, every event in the store once', async () => {
    // All due; the first one's run stalls after its effect in the replica that will be killed.
    const dueAt = Date.now() - 60_000;
    for (const [n, id] of ids.entries()) {
      await timers.schedule({ id, kind: 'deal-rotting', dueAt: new Date(dueAt + n), payload: { dealId: `d-${n}` } });
    }
    const first = startReplica({ TIMERS_SCHEMA: schema, TIMERS_STALL_AFTER_EFFECT: ids[0] });
    replicas.push(first);
    await eventually(async () => (await eventsOf(ids[0])) === 1, 'the first replica to append the stalled timer’s event');
    // Killed part way: some fired, a batch in flight, the rest due (if it finished first, the stalled one still is).
    await eventually(async () => ((await timersByState(pool, schema)).fired ?? 0) >= 50, 'some timers to fire');
    await end(first, 'SIGKILL');

    // Killed between the effect and its record: the event is in the store, the timer is still scheduled.
    expect((await timers.get(ids[0]))?.state).toBe('scheduled');

    // Two replicas take over once the dead one's claims lapse.
    replicas.push(startReplica({ TIMERS_SCHEMA: schema }), startReplica({ TIMERS_SCHEMA: schema }));
    await eventually(async () => (await timersByState(pool, schema)).fired === TIMERS, 'every timer to fire');

    const { rows } = await pool.query<{ event_id: string; timer_id: string }>(
      `SELECT event_id, data->>'timerId' AS timer_id FROM "${schema}".events`,
    );
    expect(rows).toHaveLength(TIMERS);
    expect(new Set(rows.map((row) => row.timer_id))).toEqual(new Set(ids));
    expect(rows.every((row) => row.event_id === timerEventId(row.timer_id))).toBe(true);
    expect(await timersByState(pool, schema)).toEqual({ fired: TIMERS });
    // The stalled timer ran again after the crash; its event is still there once.
    expect((await timers.get(ids[0]))?.attempts).toBeGreaterThanOrEqual(2);
    await Promise.all(replicas.splice(0).map((replica) => end(replica, 'SIGTERM')));
  });
});
