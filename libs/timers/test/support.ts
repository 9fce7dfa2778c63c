import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';

/** Polls until `check` holds (fails after `timeoutMs`, far beyond what it should take: not a timing assertion). */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** How many timers of the schema are in each state. */
export async function timersByState(pool: Pool, schema: string): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ state: string; count: number }>(
    `SELECT state, count(*)::int AS count FROM "${schema}".timers GROUP BY state`,
  );
  return Object.fromEntries(rows.map(({ state, count }) => [state, count]));
}
