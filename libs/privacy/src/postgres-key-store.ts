import type { Pool } from 'pg';
import { PostgresTableStore, qualifiedTable, runMigration } from '@crm/postgres';
import { decrypt, encrypt, newDataKey } from './cipher';
import { SubjectErasedError, type NewKeyWrite, type SubjectKeyStore } from './key-store';

export interface PostgresSubjectKeyStoreOptions {
  /**
   * The events are appended in this same database: a new key is then written in the append's own statement (one
   * round trip and one commit per create instead of two).
   */
  besideEvents?: boolean;
}

/**
 * Subject keys in PostgreSQL, each wrapped (AES-256-GCM) with the master key from the environment,
 * so that a copy of the table alone reveals nothing. Erasure sets the wrapped key to NULL: the row
 * stays as a tombstone. The old row version (still holding the wrapped key) stays on disk until
 * (auto)vacuum reclaims it: docs/runbooks/privacy.md says how to force that.
 */
export class PostgresSubjectKeyStore extends PostgresTableStore implements SubjectKeyStore {
  private readonly keys = this.table('subject_keys');

  constructor(
    pool: Pool,
    private readonly masterKey: Buffer,
    schema = 'public',
    private readonly options: PostgresSubjectKeyStoreOptions = {},
  ) {
    super(pool, schema);
  }

  protected tablesDdl(): string {
    return `
      CREATE TABLE IF NOT EXISTS ${this.keys} (
        subject_id  text PRIMARY KEY,
        wrapped_key bytea,
        created_at  timestamptz NOT NULL DEFAULT now(),
        erased_at   timestamptz,
        CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
      )`;
  }

  /**
   * Moves the keys of a table that held them before the store was shared (`<service schema>.subject_keys`) into
   * this one, then drops it, in one transaction: erasures win over keys, and no copy of a wrapped key stays behind
   * to outlive a later erasure. Nothing happens when there is no such table (or it is this one).
   */
  async moveFrom(legacySchema: string): Promise<number> {
    const legacy = qualifiedTable(legacySchema, 'subject_keys');
    if (legacy === this.keys) return 0;
    let moved = 0;
    await runMigration(this.pool, async (client) => {
      const { rows } = await client.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [legacy]);
      if (!rows[0]?.table) return;
      const result = await client.query(
        `INSERT INTO ${this.keys} AS k (subject_id, wrapped_key, created_at, erased_at)
           SELECT subject_id, wrapped_key, created_at, erased_at FROM ${legacy}
         ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = coalesce(k.erased_at, EXCLUDED.erased_at)
           WHERE EXCLUDED.erased_at IS NOT NULL`,
      );
      moved = result.rowCount ?? 0;
      await client.query(`DROP TABLE ${legacy}`);
    });
    return moved;
  }

  async keyFor(subjectId: string): Promise<Buffer> {
    // The inserted row, or the one that was there. A row inserted by a concurrent call that committed after
    // this statement's snapshot is invisible to it: then a second statement (a new snapshot) reads it.
    const { rows } = await this.pool.query<{ wrapped_key: Buffer | null }>({
      name: `key-for:${this.keys}`, // parsed and planned once per connection: one per create
      text: `WITH inserted AS (
         INSERT INTO ${this.keys} (subject_id, wrapped_key) VALUES ($1, $2)
         ON CONFLICT (subject_id) DO NOTHING RETURNING wrapped_key)
       SELECT wrapped_key FROM inserted
       UNION ALL SELECT wrapped_key FROM ${this.keys} WHERE subject_id = $1`,
      values: [subjectId, this.wrap(subjectId, newDataKey())],
    });
    const row =
      rows[0] ??
      (
        await this.pool.query<{ wrapped_key: Buffer | null }>(`SELECT wrapped_key FROM ${this.keys} WHERE subject_id = $1`, [
          subjectId,
        ])
      ).rows[0];
    if (!row) throw new Error(`No key row for ${subjectId} after inserting one`);
    if (!row.wrapped_key) throw new SubjectErasedError(subjectId);
    return this.unwrap(subjectId, row.wrapped_key);
  }

  newKey(subjectId: string): { key: Buffer; write: NewKeyWrite } {
    const key = newDataKey();
    const statement = {
      name: `new-key:${this.keys}`,
      text: `INSERT INTO ${this.keys} (subject_id, wrapped_key) VALUES ($1, $2) ON CONFLICT (subject_id) DO NOTHING RETURNING 1`,
      values: [subjectId, this.wrap(subjectId, key)],
    };
    return {
      key,
      write: {
        statement: this.options.besideEvents ? statement : undefined,
        write: async () => ((await this.pool.query(statement)).rowCount ?? 0) > 0,
      },
    };
  }

  async keysOf(subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    if (subjectIds.length === 0) return found;
    const { rows } = await this.pool.query<{ subject_id: string; wrapped_key: Buffer }>({
      name: `keys-of:${this.keys}`, // once per projection batch
      text: `SELECT subject_id, wrapped_key FROM ${this.keys} WHERE subject_id = ANY($1) AND wrapped_key IS NOT NULL`,
      values: [[...new Set(subjectIds)]],
    });
    for (const row of rows) found.set(row.subject_id, this.unwrap(row.subject_id, row.wrapped_key));
    return found;
  }

  async erase(subjectId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.keys} (subject_id, wrapped_key, erased_at) VALUES ($1, NULL, now())
       ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = coalesce(${this.keys}.erased_at, now())`,
      [subjectId],
    );
  }

  private wrap(subjectId: string, key: Buffer): Buffer {
    return encrypt(this.masterKey, aadOf(subjectId), key);
  }

  private unwrap(subjectId: string, wrapped: Buffer): Buffer {
    return decrypt(this.masterKey, aadOf(subjectId), wrapped);
  }
}

const aadOf = (subjectId: string) => Buffer.from(`subject-key:${subjectId}`, 'utf8');
