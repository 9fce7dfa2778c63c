import { Pool } from 'pg';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { newDataKey, PostgresSubjectKeyStore, SubjectErasedError } from '@crm/privacy';

describe('PostgresSubjectKeyStore', () => {
  const schema = uniqueSchema('privacy');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const masterKey = newDataKey();
  const store = new PostgresSubjectKeyStore(pool, masterKey, schema);

  beforeAll(() => store.migrate());
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('makes one key per subject, the same for every caller, even when they ask at once', async () => {
    const keys = await Promise.all(Array.from({ length: 20 }, () => store.keyFor('s-concurrent')));
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
    expect(keys[0]).toHaveLength(32);
    expect((await store.keysOf(['s-concurrent', 's-unknown'])).get('s-concurrent')).toEqual(keys[0]);
    expect((await store.keysOf(['s-concurrent', 's-unknown'])).has('s-unknown')).toBe(false);
  });

  it('stores keys wrapped: the table alone does not hold them, and another master key cannot unwrap them', async () => {
    const key = await store.keyFor('s-wrapped');
    const { rows } = await pool.query(`SELECT wrapped_key FROM "${schema}".subject_keys WHERE subject_id = 's-wrapped'`);
    expect(rows[0].wrapped_key.includes(key)).toBe(false);
    await expect(new PostgresSubjectKeyStore(pool, newDataKey(), schema).keysOf(['s-wrapped'])).rejects.toThrow();
  });

  it('erases for good: no key to read, none made again, a tombstone for unknown subjects too', async () => {
    await store.keyFor('s-erased');
    await store.erase('s-erased');
    await store.erase('s-erased');
    await store.erase('s-never-seen');
    expect((await store.keysOf(['s-erased', 's-never-seen'])).size).toBe(0);
    await expect(store.keyFor('s-erased')).rejects.toThrow(SubjectErasedError);
    await expect(store.keyFor('s-never-seen')).rejects.toThrow(SubjectErasedError);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM "${schema}".subject_keys WHERE wrapped_key IS NOT NULL AND subject_id LIKE 's-erased%'`,
    );
    expect(rows[0].n).toBe(0);
  });
});

describe('PostgresSubjectKeyStore.moveFrom (a service key table from before the store was shared)', () => {
  const [shared, legacy] = [uniqueSchema('privacy_shared'), uniqueSchema('privacy_legacy')];
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  const masterKey = newDataKey();
  const store = new PostgresSubjectKeyStore(pool, masterKey, shared);
  const old = new PostgresSubjectKeyStore(pool, masterKey, legacy);

  beforeAll(async () => {
    await store.migrate();
    await old.migrate();
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${shared}" CASCADE; DROP SCHEMA IF EXISTS "${legacy}" CASCADE`);
    await pool.end();
  });

  it('moves every key, lets an erasure in either table win, and drops the old table so no copy outlives an erasure', async () => {
    const kept = await old.keyFor('s-kept');
    await old.keyFor('s-erased-before');
    await old.erase('s-erased-before');
    const both = await store.keyFor('s-in-both'); // made in the shared store by another service meanwhile
    await old.keyFor('s-in-both');
    await old.erase('s-in-both');

    expect(await store.moveFrom(legacy)).toBe(3);

    expect((await store.keysOf(['s-kept'])).get('s-kept')).toEqual(kept);
    await expect(store.keyFor('s-erased-before')).rejects.toThrow(SubjectErasedError);
    await expect(store.keyFor('s-in-both')).rejects.toThrow(SubjectErasedError);
    expect(both).toHaveLength(32);
    const { rows } = await pool.query('SELECT to_regclass($1)::text AS table', [`"${legacy}".subject_keys`]);
    expect(rows[0].table).toBeNull();
  });

  it('does nothing when there is no old table, or when it is the shared one', async () => {
    expect(await store.moveFrom(legacy)).toBe(0);
    expect(await store.moveFrom(shared)).toBe(0);
    expect((await store.keysOf(['s-kept'])).size).toBe(1);
  });
});
