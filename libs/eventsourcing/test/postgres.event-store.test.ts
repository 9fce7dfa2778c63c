import { Client } from 'pg';
import { PostgresEventStore } from '@crm/eventsourcing';
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
