import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import {
  CompanionNotWrittenError,
  PostgresEventStore,
  WrongExpectedRevisionError,
  type AppendCompanion,
} from '@crm/eventsourcing';
import { describeEventStoreContract, uniqueSchema } from '@crm/eventsourcing/testing';

describeEventStoreContract('postgres', async () => {
  const schema = uniqueSchema('es_contract');
  const store = new PostgresEventStore({ connection: { connectionString: process.env.DATABASE_URL, max: 60 }, schema });
  await store.migrate();
  return {
    store,
    beginLateCommit: async (streamName, event) => {
      // A writer that takes its position first but commits after others (a slow transaction).
      const client = new Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "${schema}".events (event_id, stream_name, stream_revision, event_type, data, metadata)
         VALUES ($1, $2, 0, $3, $4, '{}')`,
        [event.id, streamName, event.type, JSON.stringify(event.data)],
      );
      return {
        commit: async () => {
          await client.query('COMMIT');
          await client.end();
        },
      };
    },
    teardown: async () => {
      await store.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await store.close();
    },
  };
});

describe('PostgresEventStore append with a companion statement', () => {
  let store: PostgresEventStore;
  let schema: string;
  let statements: string[];
  beforeAll(async () => {
    schema = uniqueSchema('es_companion');
    store = new PostgresEventStore({ connection: { connectionString: process.env.DATABASE_URL }, schema });
    await store.migrate();
    await store.pool.query(`CREATE TABLE "${schema}".keys (id text PRIMARY KEY, key text NOT NULL)`);
    // Counts what reaches PostgreSQL from the store's pool.
    const query = store.pool.query.bind(store.pool);
    statements = [];
    store.pool.query = ((config: unknown, ...rest: unknown[]) => {
      statements.push(typeof config === 'string' ? config : (config as { text: string }).text);
      return (query as (...args: unknown[]) => unknown)(config, ...rest);
    }) as typeof store.pool.query;
  });
  afterAll(async () => {
    await store.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await store.close();
  });
  beforeEach(() => (statements.length = 0));

  const keyOf = async (id: string) =>
    (await store.pool.query<{ key: string }>(`SELECT key FROM "${schema}".keys WHERE id = $1`, [id])).rows[0]?.key;
  const companion = (id: string, key: string): AppendCompanion => ({
    statement: {
      name: `test-key:${schema}`,
      text: `INSERT INTO "${schema}".keys (id, key) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING 1`,
      values: [id, key],
    },
    write: () => Promise.reject(new Error('a store in the same database runs the statement')),
  });
  const event = () => ({ id: randomUUID(), type: 'Created', data: { n: 1 } });

  it('writes the companion and the events in one statement', async () => {
    const stream = `s-${randomUUID()}`;
    const result = await store.append(stream, [event()], { expectedRevision: 'no_stream', companion: companion(stream, 'k1') });
    expect(statements).toHaveLength(1);
    expect(result.nextExpectedRevision).toBe(0);
    expect(await keyOf(stream)).toBe('k1');
  });

  it('appends nothing when the companion finds its row there, and keeps that row', async () => {
    const stream = `s-${randomUUID()}`;
    await store.pool.query(`INSERT INTO "${schema}".keys VALUES ($1, 'old')`, [stream]);
    await expect(
      store.append(stream, [event()], { expectedRevision: 'no_stream', companion: companion(stream, 'new') }),
    ).rejects.toThrow(CompanionNotWrittenError);
    expect(await store.readStream(stream)).toEqual([]);
    expect(await keyOf(stream)).toBe('old');
  });

  it('on a revision conflict appends nothing; a companion written then is what a retry finds', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, [event()], { expectedRevision: 'no_stream' });
    await expect(
      store.append(stream, [event()], { expectedRevision: 'no_stream', companion: companion(stream, 'k2') }),
    ).rejects.toThrow(WrongExpectedRevisionError);
    expect(await store.readStream(stream)).toHaveLength(1);
    expect(await keyOf(stream)).toBe('k2');
  });
});

describe('PostgresEventStore append with a companion, in schemas whose names differ only past 63 bytes of a statement name', () => {
  it('keeps the statements of two stores apart on one connection', async () => {
    const prefix = `ec_${'x'.repeat(52)}_`; // 56 characters: `append:"` and this fill PostgreSQL's 63
    const schemas = [0, 1].map(() => prefix + randomUUID().slice(0, 7));
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const stores = schemas.map((schema) => new PostgresEventStore({ pool, schema }));
    try {
      for (const [index, store] of stores.entries()) {
        await store.migrate();
        await pool.query(`CREATE TABLE "${schemas[index]}".keys (id text PRIMARY KEY)`);
      }
      for (const [index, store] of stores.entries()) {
        const stream = `s-${randomUUID()}`;
        const companion: AppendCompanion = {
          statement: {
            name: `key:${schemas[index]}`,
            text: `INSERT INTO "${schemas[index]}".keys (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1`,
            values: [stream],
          },
          write: () => Promise.reject(new Error('not used')),
        };
        await store.append(stream, [{ type: 'Created', data: {} }], { expectedRevision: 'no_stream', companion });
        const { rows } = await pool.query(`SELECT id FROM "${schemas[index]}".keys`);
        expect(rows).toEqual([{ id: stream }]);
      }
    } finally {
      for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  });
});

describe('PostgresEventStore global order', () => {
  it('orders transaction ids as numbers, also across a change in their number of digits', async () => {
    const schema = uniqueSchema('es_order');
    const store = new PostgresEventStore({ connection: { connectionString: process.env.DATABASE_URL }, schema });
    await store.migrate();
    try {
      // Rows as transactions 999 and 1000 would leave them (text order would put "1000" first).
      for (const [xid, stream] of [
        ['1000', 'later'],
        ['999', 'earlier'],
      ]) {
        await store.pool.query(
          `INSERT INTO "${schema}".events (transaction_id, event_id, stream_name, stream_revision, event_type, data, metadata)
           VALUES ($1::xid8, gen_random_uuid(), $2, 0, 'Ordered', '{}', '{}')`,
          [xid, stream],
        );
      }
      const all = await store.readAll();
      expect(all.map((e) => [e.position.commit, e.streamName])).toEqual([
        [999n, 'earlier'],
        [1000n, 'later'],
      ]);
      expect(await store.readAll({ after: all[0].position })).toHaveLength(1);
    } finally {
      await store.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await store.close();
    }
  });
});

describe('PostgresEventStore.watchAppends (LISTEN/NOTIFY)', () => {
  // A wait that only a notification can end within the test's time: the fallback is far beyond jest's timeout.
  const FOREVER = 600_000;
  let store: PostgresEventStore;
  let schema: string;
  beforeAll(async () => {
    schema = uniqueSchema('es_watch');
    store = new PostgresEventStore({ connection: { connectionString: process.env.DATABASE_URL }, schema });
    await store.migrate();
    await store.migrate(); // a second start finds the trigger in place
  });
  afterAll(async () => {
    await store.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    await store.close();
  });
  const append = (stream: string) => store.append(stream, [{ type: 'Something', data: {} }]);

  /** What a wait did within a few seconds: `woke`, or `still waiting` (a wait that nothing ends; the test fails). */
  const within = async (wait: Promise<void>) => {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), 5000)));
    try {
      return await Promise.race([wait.then(() => 'woke'), giveUp]);
    } finally {
      clearTimeout(timer); // else it keeps Jest from exiting for five seconds after the run
    }
  };

  it('wakes a waiting reader when an append commits, and keeps a wake-up that came while nobody waited', async () => {
    const watcher = store.watchAppends();
    try {
      await watcher.next(FOREVER); // the first wait connects, and returns for what came before the LISTEN
      let woke = false;
      const woken = watcher.next(FOREVER).then(() => void (woke = true));
      await store.pool.query('SELECT pg_sleep(0.1)');
      expect(woke).toBe(false); // nothing appended yet: it waits
      await append('watched-1');
      expect(await within(woken)).toBe('woke');

      await append('watched-2'); // committed while nobody waits
      await store.pool.query('SELECT pg_sleep(0.2)'); // its notification has arrived
      expect(await within(watcher.next(FOREVER))).toBe('woke');
    } finally {
      await watcher.close();
    }
  });

  it('wakes only once the appending transaction commits', async () => {
    const watcher = store.watchAppends();
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await watcher.next(FOREVER);
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "${schema}".events (event_id, stream_name, stream_revision, event_type, data, metadata)
         VALUES (gen_random_uuid(), 'late-1', 0, 'Something', '{}', '{}')`,
      );
      let woke = false;
      const woken = watcher.next(FOREVER).then(() => (woke = true));
      await store.pool.query('SELECT pg_sleep(0.2)'); // the uncommitted insert has had time to notify, if it did
      expect(woke).toBe(false);
      await client.query('COMMIT');
      await woken;
      expect(woke).toBe(true);
    } finally {
      await client.end();
      await watcher.close();
    }
  });

  it('returns at once when aborted, and after its timeout without appends', async () => {
    const watcher = store.watchAppends();
    try {
      await watcher.next(FOREVER);
      const controller = new AbortController();
      const aborted = watcher.next(FOREVER, controller.signal);
      controller.abort();
      expect(await within(aborted)).toBe('woke');
      const started = Date.now();
      await watcher.next(50); // nothing appended: ends by its timeout, not before
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    } finally {
      await watcher.close();
    }
  });
});
