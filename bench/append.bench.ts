import { Pool } from 'pg';
import { PostgresEventStore, newId, type NewEvent } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { compare, measure, recordRatio, report, requiredEnv } from './harness';

/**
 * Append throughput through the PostgreSQL adapter (with expected revisions) against raw INSERTs of
 * the same rows into an identical table, with the same number of concurrent writers.
 */
const EVENTS = Number(process.env.BENCH_APPEND_EVENTS ?? 10000);
const STREAMS = 500;
const WRITERS = 8;
const BATCH = 10;
const TARGET = 0.9;

const payload = (n: number) => ({
  contactId: newId(),
  name: { given: 'Ada', family: `Lovelace ${n}` },
  email: `ada${n}@example.com`,
  at: new Date().toISOString(),
});

async function inParallel(count: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

export async function appendBenchmark(): Promise<void> {
  const pool = new Pool({ connectionString: requiredEnv('DATABASE_URL'), max: WRITERS });
  const schemas = [uniqueSchema('bench_store'), uniqueSchema('bench_raw')];
  const [store, raw] = schemas.map((schema) => new PostgresEventStore({ pool, schema }));
  await store.migrate();
  await raw.migrate();
  const rawTable = `"${schemas[1]}".events`;
  const streams = Array.from({ length: STREAMS }, () => `contact-${newId()}`);
  const revisions = new Map<string, number>();
  const events = (count: number, from: number): NewEvent[] =>
    Array.from({ length: count }, (_, i) => ({
      id: newId(),
      type: 'ContactRenamed',
      data: payload(from + i),
      metadata: { correlationId: newId() },
    }));

  // Each writer owns its streams, so expected revisions are known without reads, as in a service that just loaded them.
  const appendTo = async (index: number, size: number, target: PostgresEventStore | 'raw') => {
    const stream = streams[index % STREAMS] + (target === 'raw' ? '-raw' : '');
    const revision = revisions.get(stream) ?? -1;
    const batch = events(size, index * size);
    if (target === 'raw') {
      const values = batch
        .map((_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`)
        .join(', ');
      await pool.query(
        `INSERT INTO ${rawTable} (event_id, stream_name, stream_revision, event_type, data, metadata) VALUES ${values}`,
        batch.flatMap((e, i) => [e.id, stream, revision + 1 + i, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)]),
      );
    } else {
      await target.append(stream, batch, { expectedRevision: revision === -1 ? 'no_stream' : revision });
    }
    revisions.set(stream, revision + size);
  };

  const single = await measure('adapter append, 1 event', EVENTS, () => inParallel(EVENTS, (i) => appendTo(i, 1, store)));
  const singleRaw = await measure('raw INSERT, 1 row', EVENTS, () => inParallel(EVENTS, (i) => appendTo(i, 1, 'raw')));
  const batched = await measure(`adapter append, ${BATCH} events`, EVENTS, () =>
    inParallel(EVENTS / BATCH, (i) => appendTo(i + EVENTS, BATCH, store)),
  );
  const batchedRaw = await measure(`raw INSERT, ${BATCH} rows`, EVENTS, () =>
    inParallel(EVENTS / BATCH, (i) => appendTo(i + EVENTS, BATCH, 'raw')),
  );

  // R1 (issue 14): the adapter's append at least 0.9 of a raw INSERT of the same rows.
  const comparisons = [
    recordRatio(compare(single, singleRaw, TARGET), '0.81-0.96'),
    recordRatio(compare(batched, batchedRaw, TARGET), '0.77-0.97'),
  ];
  report('append (PostgreSQL adapter vs raw INSERT)', comparisons, {
    events: EVENTS,
    streams: STREAMS,
    writers: WRITERS,
  });
  for (const schema of schemas) await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  await pool.end();
}
