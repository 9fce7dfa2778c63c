import type { Pool } from 'pg';
import { qualifiedTable, runMigration } from './migration';

/**
 * A store kept in tables of one PostgreSQL schema (checkpoints, subject keys, idempotency keys, import jobs...):
 * the schema comes from configuration, the tables are created by `migrate()` at start.
 */
export abstract class PostgresTableStore {
  constructor(
    protected readonly pool: Pool,
    readonly schema: string,
  ) {}

  /** `"<schema>".<name>` for SQL text. */
  protected table(name: string): string {
    return qualifiedTable(this.schema, name);
  }

  /** Creates the schema and the store's tables if missing; safe to run at every start, by every replica at once. */
  async migrate(): Promise<void> {
    await runMigration(this.pool, `CREATE SCHEMA IF NOT EXISTS "${this.schema}";\n${this.tablesDdl()}`);
  }

  /** `CREATE TABLE IF NOT EXISTS ...` (and indexes) of the store's tables. */
  protected abstract tablesDdl(): string;
}
