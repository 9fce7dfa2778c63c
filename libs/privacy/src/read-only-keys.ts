import type { Pool } from 'pg';
import { qualifiedTable } from '@crm/postgres';
import type { SubjectKeyStore } from './key-store';
import { PostgresSubjectKeyStore } from './postgres-key-store';

/** A service that only reads personal data tried to make or delete a subject key. */
export class ReadOnlySubjectKeysError extends Error {
  override readonly name = 'ReadOnlySubjectKeysError';
}

/**
 * Subject keys for a service that only shows personal data others sealed (analytics): a vault over them opens
 * and can do nothing else, since `seal` would make a key for a person never seen, and erasing is the owner's.
 */
export class ReadOnlySubjectKeys implements SubjectKeyStore {
  constructor(private readonly keys: Pick<SubjectKeyStore, 'keysOf'>) {}

  keysOf(subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    return this.keys.keysOf(subjectIds);
  }

  async keyFor(subjectId: string): Promise<Buffer> {
    throw new ReadOnlySubjectKeysError(`This service never makes subject keys (asked for ${subjectId})`);
  }

  async erase(subjectId: string): Promise<void> {
    throw new ReadOnlySubjectKeysError(`This service never erases subject keys (asked for ${subjectId})`);
  }
}

/**
 * Waits until a service that seals personal data has created the key table (services may start together).
 * Without it every event would fail to open and be dead-lettered after a few retries.
 */
export async function waitForSubjectKeys(
  pool: Pool,
  schema: string,
  { timeoutMs = 60000, onWait }: { timeoutMs?: number; onWait?: () => void } = {},
): Promise<void> {
  const table = qualifiedTable(schema, 'subject_keys');
  const deadline = Date.now() + timeoutMs;
  for (let waited = false; ; waited = true) {
    const { rows } = await pool.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [table]);
    if (rows[0]?.table) return;
    if (Date.now() > deadline) throw new Error(`The subject key table ${table} does not exist: is SUBJECT_KEYS_SCHEMA right?`);
    if (!waited) onWait?.();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * The shared subject keys of `schema`, read-only (for a service or a tool that only opens personal data: analytics,
 * a projection rebuild), once a sealing service has created their table.
 */
export async function readOnlySubjectKeys(
  pool: Pool,
  masterKey: Buffer,
  schema: string,
  wait?: Parameters<typeof waitForSubjectKeys>[2],
): Promise<ReadOnlySubjectKeys> {
  await waitForSubjectKeys(pool, schema, wait);
  return new ReadOnlySubjectKeys(new PostgresSubjectKeyStore(pool, masterKey, schema));
}
