import { Pool } from 'pg';
import { createPool } from '@crm/postgres';

const databaseUrl = process.env.DATABASE_URL;

describe('createPool', () => {
  it('survives PostgreSQL cutting an idle connection, and serves the next query on a new one', async () => {
    const lost: Error[] = [];
    const pool = createPool({ connectionString: databaseUrl, max: 1 }, (error) => lost.push(error));
    const admin = new Pool({ connectionString: databaseUrl, max: 1 });
    try {
      const before = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // What a PostgreSQL restart does to every open connection (SQLSTATE 57P01): here to the pool's idle one.
      await admin.query('SELECT pg_terminate_backend($1)', [before.rows[0].pid]);
      for (let waited = 0; lost.length === 0 && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));

      expect(lost.map((error) => (error as Error & { code?: string }).code)).toEqual(['57P01']);
      const after = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(after.rows[0].pid).not.toBe(before.rows[0].pid);
    } finally {
      await admin.end();
      await pool.end();
    }
  });
});
