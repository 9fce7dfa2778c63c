import { Global, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { currentCorrelation } from '@crm/platform';
import { PLATFORM_LOGGER } from '@crm/platform/nest';
import { PostgresSubjectKeyStore } from '@crm/privacy';
import { defineService, OnTimer, TimerHandlersMismatch, Timers } from '@crm/service-kit';
import { createServiceTestApp, serviceTestConfig } from '@crm/service-kit/testing';
import type { DueTimer } from '@crm/timers';
import { TimersModule } from '../src/timers/timers.module';
import { eventually } from '../../messaging/test/support';

/** What the handler ran, in the correlation it ran in; a run of `slow` waits for the test to let it end. */
const ran: { id: string; actor?: string; stopping: boolean }[] = [];
let letSlowEnd: () => void = () => undefined;
let slowSignalAborted = false;

@Injectable()
class Reminders {
  @OnTimer('reminder')
  async remind(timer: DueTimer<{ slow?: boolean }>, { signal }: { signal: AbortSignal }): Promise<void> {
    if (timer.payload.slow) {
      signal.addEventListener('abort', () => (slowSignalAborted = true));
      await new Promise<void>((resolve) => (letSlowEnd = resolve));
    }
    ran.push({ id: timer.id, actor: currentCorrelation()?.actor, stopping: signal.aborted });
  }
}

@Module({ providers: [Reminders] })
class RemindersApplication {}

/** The platform's logger, silent, for the kit's timers module on its own. */
@Global()
@Module({ providers: [{ provide: PLATFORM_LOGGER, useValue: pino({ level: 'silent' }) }], exports: [PLATFORM_LOGGER] })
class SilentLogger {}

const service = (timers: string[]) =>
  defineService({
    name: 'reminders',
    title: 'Reminders (a test service)',
    access: { read: ['sales'], write: ['sales'] },
    timers,
    application: RemindersApplication,
  });

/** Timers in the kit: the table made at start, the declared kinds fired by their @OnTimer handlers, a graceful stop. */
describe('timers in the service kit (@OnTimer)', () => {
  const schema = uniqueSchema('kit_timers');
  const config = serviceTestConfig(service(['reminder']), {
    KAFKA_TOPIC_PREFIX: `test-${schema}`,
    REMINDERS_DB_SCHEMA: schema,
    SUBJECT_KEYS_SCHEMA: schema,
    TIMERS_POLL_INTERVAL: '100ms',
  });
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  // The subject keys a service without aggregates only opens with: another service's, made here.
  beforeAll(() => new PostgresSubjectKeyStore(pool, randomBytes(32), schema).migrate());
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  const stateOf = async (id: string) =>
    (await pool.query<{ state: string }>(`SELECT state FROM "${schema}".timers WHERE id = $1`, [id])).rows[0]?.state;

  it('fires a due timer with the handler of its kind, the service acting, counts it in /metrics, and on shutdown lets a run in flight end and be recorded', async () => {
    const app = await createServiceTestApp(service(['reminder']), config);
    const timers = app.get(Timers);
    const dueAt = new Date(Date.now() - 1000);
    await timers.schedule({ id: 'reminder:1', kind: 'reminder', dueAt, payload: {} });
    await eventually(async () => (await stateOf('reminder:1')) === 'fired', 30000, 'the timer fired');
    expect(ran).toEqual([{ id: 'reminder:1', actor: 'reminders', stopping: false }]);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^crm_timers_fired_total\{kind="reminder"\} 1$/m);
    expect(metrics.text).toMatch(/^crm_timers_overdue_seconds /m);

    await timers.schedule({ id: 'reminder:2', kind: 'reminder', dueAt, payload: { slow: true } });
    await eventually(async () => (await timers.get('reminder:2'))?.claimedBy != null, 30000, 'the slow run to start');
    const closed = app.close();
    // The scheduler is stopping (the handler's signal is aborted) and waits for the run before anything closes.
    await eventually(() => slowSignalAborted, 30000, 'the slow run’s signal to abort');
    letSlowEnd();
    await closed;
    expect(ran[1]).toEqual({ id: 'reminder:2', actor: 'reminders', stopping: true });
    expect(await stateOf('reminder:2')).toBe('fired');
  });

  it('refuses to start when a declared kind has no handler, naming it', async () => {
    const timers = { databaseUrl: process.env.DATABASE_URL!, schema, pollIntervalMs: 100, batchSize: 1, leaseMs: 1000 };
    const module = await Test.createTestingModule({
      imports: [SilentLogger, TimersModule.forRoot({ ...timers, service: 'reminders', kinds: ['reminder', 'follow-up'] })],
      providers: [Reminders],
    }).compile();
    // Refused before the timers' pool connects: nothing is left to close.
    const started = module.init();
    await expect(started).rejects.toThrow(TimerHandlersMismatch);
    await expect(started).rejects.toThrow(/kind follow-up has 0 @OnTimer handlers, not 1/);
  });
});
