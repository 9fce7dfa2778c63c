import { Pool } from 'pg';
import { expectDependencyUnavailable, OutageRun } from './outage';

/**
 * PostgreSQL (event store, subject keys, relay checkpoint and lease) goes away under running contacts and analytics
 * services and comes back. Neither process may exit; requests meanwhile get 503 `dependency-unavailable` and write
 * nothing; afterwards writes work again and their events reach the timeline once (no loss, no double).
 */
describe('Given contacts and analytics whose PostgreSQL goes away and comes back', () => {
  const run = new OutageRun('outage_pg');
  beforeAll(() => run.start('DATABASE_URL'), 180000);
  afterAll(() => run.stop(), 60000);

  it('then nothing exits, requests during the outage get 503 and write nothing, and every write after it reaches the timeline once', async () => {
    const before = await run.create('ada');
    await run.eventually('the first contact in the timeline', async () => (await run.timelineOf(before)).length === 1);

    await run.proxy.cut();
    expectDependencyUnavailable(await run.contacts.request('POST', '/v1/contacts', run.person('bob')));
    expectDependencyUnavailable(await run.contacts.request('GET', `/v1/contacts/${before}`));
    expect((await fetch(`${run.pair.contacts.url}/health/ready`)).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the relay, its lease and the consumers meet the outage
    expect(run.exited()).toEqual([]);

    await run.proxy.open();
    let after = '';
    await run.eventually('a create once PostgreSQL is back', async () => {
      after = await run.create('cleo');
      return true;
    });
    await run.eventually(
      'the contact created after the outage in the timeline',
      async () => (await run.timelineOf(after)).length === 1,
    );
    expect(await run.timelineOf(before)).toHaveLength(1); // not doubled by the relay's or the consumers' restarts

    // The refused create wrote nothing: only the two others are in the store.
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const { rows } = await pool
      .query<{ stream_name: string }>(
        `SELECT DISTINCT stream_name FROM "${run.pair.schema}".events WHERE stream_name LIKE 'contact-%' ORDER BY 1`,
      )
      .finally(() => pool.end());
    expect(rows.map((row) => row.stream_name).sort()).toEqual([`contact-${before}`, `contact-${after}`].sort());
    await run.eventually('both in the contact list', async () => (await run.listed()).length === 2);
    expect(await run.listed()).toEqual([before, after].sort());
    expect(run.exited()).toEqual([]);
  }, 180000);
});
