import type { Pool } from 'pg';
import { crmContracts } from '@crm/contracts';
import { sleep } from '@crm/eventsourcing';
import { qualifiedTable } from '@crm/postgres';
import { parseMasterKey, PersonalDataVault, PostgresSubjectKeyStore, type SubjectKeyStore } from '@crm/privacy';

/** Analytics tried to make or delete a subject key: only the contacts service does that. */
export class ReadOnlySubjectKeysError extends Error {
  override readonly name = 'ReadOnlySubjectKeysError';
}

/**
 * The contacts service's subject keys, read only. A vault over it opens personal data and can do nothing else:
 * `seal` (which would make a key for a person never seen) and `erase` throw. Analytics also never migrates the
 * key table; the contacts service owns it.
 */
export class ReadOnlySubjectKeys implements SubjectKeyStore {
  constructor(private readonly keys: Pick<SubjectKeyStore, 'keysOf'>) {}

  keysOf(subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    return this.keys.keysOf(subjectIds);
  }

  async keyFor(subjectId: string): Promise<Buffer> {
    throw new ReadOnlySubjectKeysError(`Analytics never makes subject keys (asked for ${subjectId})`);
  }

  async erase(subjectId: string): Promise<void> {
    throw new ReadOnlySubjectKeysError(`Analytics never erases subject keys (asked for ${subjectId})`);
  }
}

export interface SubjectKeysOptions {
  /** The key store's schema: the contacts service's (`contacts`). */
  schema: string;
  /** PII_MASTER_KEY, the same as the contacts service's. */
  masterKey: string;
}

/** A vault that opens personal data with the contacts service's keys and never makes one. */
export function openingVault(pool: Pool, { schema, masterKey }: SubjectKeysOptions): PersonalDataVault {
  return new PersonalDataVault(
    crmContracts,
    new ReadOnlySubjectKeys(new PostgresSubjectKeyStore(pool, parseMasterKey(masterKey), schema)),
  );
}

/** The key table, for a readiness probe: readable, with the grants analytics needs. */
export async function probeSubjectKeys(pool: Pool, schema: string): Promise<void> {
  await pool.query(`SELECT 1 FROM ${qualifiedTable(schema, 'subject_keys')} LIMIT 1`);
}

/**
 * Waits until the contacts service has created its key table (both may start together). Without it every event
 * would fail to open, and be dead-lettered after a few retries; so analytics does not start consuming before.
 */
export async function waitForSubjectKeys(
  pool: Pool,
  schema: string,
  { timeoutMs = 60000, onWait }: { timeoutMs?: number; onWait?: () => void } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waited = false;
  for (;;) {
    const { rows } = await pool.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [
      qualifiedTable(schema, 'subject_keys'),
    ]);
    if (rows[0]?.table) return;
    if (Date.now() > deadline) {
      throw new Error(
        `The subject key table ${qualifiedTable(schema, 'subject_keys')} does not exist: is SUBJECT_KEYS_SCHEMA right?`,
      );
    }
    if (!waited) onWait?.();
    waited = true;
    await sleep(500);
  }
}
