// A replica of a service that fires timers, run as a process of its own by crash.test.ts (from dist/, built by
// `npm run build`). Each deal-rotting timer appends one event, with the id derived from the timer id.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { PostgresEventStore } from '@crm/eventsourcing';
import { PostgresTimerStore, TimerScheduler, timerEventId, type TimerHandler } from '@crm/timers';

const schema = process.env.TIMERS_SCHEMA as string;
/** A timer whose run, here, stops forever after its effect: the process is killed between effect and record. */
const stallAfterEffect = process.env.TIMERS_STALL_AFTER_EFFECT;

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 12 });
const events = new PostgresEventStore({ pool, schema });

const dealRotted: TimerHandler<{ dealId: string }> = async (timer) => {
  const { dealId } = timer.payload;
  await events.append(`deal-${dealId}`, [
    { id: timerEventId(timer.id), type: 'DealRotted', data: { dealId, timerId: timer.id } },
  ]);
  if (timer.id === stallAfterEffect) await new Promise(() => undefined);
  await sleep(10); // the rest of a real handler's work: keeps timers due when the test kills this process
};

const scheduler = new TimerScheduler({
  store: new PostgresTimerStore(pool, schema),
  handlers: { 'deal-rotting': dealRotted },
  pollIntervalMs: 100,
  batchSize: 10,
  leaseMs: 1000,
  name: `crash-worker-${process.pid}`,
});
scheduler.start();

process.once('SIGTERM', () => {
  void scheduler.stop().then(() => pool.end());
});
