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
