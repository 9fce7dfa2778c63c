import type { Pool, PoolClient } from 'pg';

/** One lock for every schema change of the platform (a fixed, arbitrary advisory-lock key). */
const MIGRATION_LOCK = 7_346_221_901;

/**
 * Runs DDL in a transaction holding an advisory lock: `CREATE ... IF NOT EXISTS` is not safe against a
 * concurrent twin (two of them can both decide to create, and one fails on a catalog unique index), which
 * happens when a service's stores migrate the same schema at once, or replicas start together.
 * `work` is SQL text, or a function for a migration that must look before it changes (given the transaction's client).
 */
export async function runMigration(pool: Pool, work: string | ((client: PoolClient) => Promise<void>)): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    if (typeof work === 'string') await client.query(work);
    else await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** `"<schema>".<table>` for SQL text, after checking the schema name (it comes from configuration). */
export function qualifiedTable(schema: string, table: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  return `"${schema}".${table}`;
}
