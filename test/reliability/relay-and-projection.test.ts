import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { Pool } from 'pg';
import { PostgresEventStore, newId, sleep } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { createKafka, ensureTopics, fromKafkaMessage, parseBrokers, PostgresCheckpointStore } from '@crm/messaging';
import { readModelHash, rebuildProjection } from '@crm/projections';
import { streamTallyDeps, streamTallyProjection, type StreamTally } from './stream-tally.projection';

/**
 * Events are appended while the relay and the projection worker (separate processes) are killed
 * with SIGKILL and restarted. Afterwards: every event is in Kafka at least once and in stream order
 * within its partition, and the read model applied each exactly once, equal to a clean rebuild.
 * Part of `npm test` at 5,000 events; `npm run test:reliability` runs 20,000 over 500 streams with 5 kills of each.
 */
const EVENTS = Number(process.env.RELIABILITY_EVENTS ?? 5000);
const STREAMS = Number(process.env.RELIABILITY_STREAMS ?? 200);
const RELAY_KILLS = Number(process.env.RELIABILITY_RELAY_KILLS ?? 3);
const PROJECTION_KILLS = Number(process.env.RELIABILITY_PROJECTION_KILLS ?? 2);
const WRITERS = 8;
const WORKERS = join(__dirname, '../../dist/test/reliability/workers');

class Worker {
  private child?: ChildProcess;
  kills = 0;
  /** Exits we did not cause: a worker that died by itself would stall the run. */
  readonly crashes: string[] = [];
  constructor(
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}
  start(): void {
    const child = spawn(process.execPath, [join(WORKERS, this.script)], {
      env: this.env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && signal !== 'SIGTERM') this.crashes.push(`${this.script} exited by itself (${signal ?? code})`);
    });
    this.child = child;
  }
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    // The wait ends with the exit: a 15 s timer left running kept Jest from exiting after the run.
    const gone = new AbortController();
    await Promise.race([exited.then(() => gone.abort()), sleep(15000, gone.signal)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe(`reliability: ${EVENTS} events over ${STREAMS} streams, relay killed ${RELAY_KILLS}x, projection killed ${PROJECTION_KILLS}x`, () => {
  const schema = uniqueSchema('reliability');
  const topic = `test.reliability.${newId()}`;
  const dbName = `reliability_${newId().replace(/-/g, '')}`;
  const env = { ...process.env, RELIABILITY_SCHEMA: schema, RELIABILITY_TOPIC: topic, RELIABILITY_DB: dbName };
  const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: 'reliability-test' });
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: WRITERS + 2 });
  const store = new PostgresEventStore({ pool, schema });
  const relay = new Worker('relay-worker.js', env);
  const projection = new Worker('projection-worker.js', env);
  let connection: mongoose.Connection;

  beforeAll(async () => {
    if (!existsSync(join(WORKERS, 'relay-worker.js')))
      throw new Error('Workers are not built: run `npm run build` (npm test does).');
    await store.migrate();
    await new PostgresCheckpointStore(pool, schema).migrate();
    await ensureTopics(kafka, [topic], 3);
    connection = await mongoose.createConnection(process.env.MONGODB_URI as string, { dbName }).asPromise();
  });

  afterAll(async () => {
    await relay.stop();
    await projection.stop();
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  // Generous: on a loaded 2-core machine a killed consumer's partitions wait for its session to expire.
  it('loses nothing, doubles nothing, and equals a clean rebuild', async () => {
    relay.start();
    projection.start();
    const streams = Array.from({ length: STREAMS }, () => `item-${newId()}`);
    const appended = new Map<string, string[]>(streams.map((s) => [s, []]));

    // Kills are spread over the run, by how many events were appended.
    const relayKillsAt = Array.from({ length: RELAY_KILLS }, (_, i) => Math.floor(((i + 1) * EVENTS) / (RELAY_KILLS + 1)));
    const projectionKillsAt = Array.from({ length: PROJECTION_KILLS }, (_, i) =>
      Math.floor(((i + 0.5) * EVENTS) / (PROJECTION_KILLS + 0.5)),
    );
    let count = 0;
    const chaos = async () => {
      if (relayKillsAt[0] !== undefined && count >= relayKillsAt[0]) {
        relayKillsAt.shift();
        await relay.kill();
        relay.start();
      }
      if (projectionKillsAt[0] !== undefined && count >= projectionKillsAt[0]) {
        projectionKillsAt.shift();
        await projection.kill();
        projection.start();
      }
    };

    // Each writer owns a slice of the streams, so its expected revisions are exact.
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const mine = streams.filter((_, index) => index % WRITERS === writer);
        for (let n = writer; n < EVENTS; n += WRITERS) {
          const stream = mine[Math.floor(Math.random() * mine.length)];
          const ids = appended.get(stream) as string[];
          const id = newId();
          await store.append(stream, [{ id, type: 'ItemTouched', data: { n } }], {
            expectedRevision: ids.length === 0 ? 'no_stream' : ids.length - 1,
          });
          ids.push(id);
          count++;
          await chaos();
        }
      }),
    );
    expect(relay.kills).toBe(RELAY_KILLS);
    expect(projection.kills).toBe(PROJECTION_KILLS);
    expect([...relay.crashes, ...projection.crashes]).toEqual([]);

    // Kafka holds every event at least once, and each stream's first deliveries in revision order within one partition.
    const seen = new Set<string>();
    const partitionOf = new Map<string, number>();
    const nextRevision = new Map<string, number>();
    let outOfOrder = 0;
    let splitStreams = 0;
    const consumer = kafka.consumer({ groupId: `reliability-check-${newId()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.size}/${EVENTS} events found in Kafka`)), 120000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const event = fromKafkaMessage(message);
          if ((partitionOf.get(event.stream) ?? partition) !== partition) splitStreams++;
          partitionOf.set(event.stream, partition);
          if (seen.has(event.id)) return; // a redelivery after a relay crash
          seen.add(event.id);
          if (event.revision !== (nextRevision.get(event.stream) ?? 0)) outOfOrder++;
          nextRevision.set(event.stream, event.revision + 1);
          if (seen.size === EVENTS) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expect(seen.size).toBe(EVENTS);
    expect(outOfOrder).toBe(0);
    expect(splitStreams).toBe(0);

    // The read model catches up with every event exactly once.
    const tallies = connection.collection<StreamTally & { _id: string }>('stream_tally');
    const deadline = Date.now() + 180000;
    for (;;) {
      const [{ total = 0 } = {}] = await tallies
        .aggregate<{ total: number }>([{ $group: { _id: null, total: { $sum: '$count' } } }])
        .toArray();
      if (total >= EVENTS || Date.now() > deadline) break;
      await sleep(250);
    }
    const docs = await tallies.find().toArray();
    expect(docs).toHaveLength(STREAMS);
    for (const doc of docs) {
      const ids = appended.get(doc.stream) as string[];
      expect(doc.eventIds).toEqual(ids);
      expect(doc.revisions).toEqual(ids.map((_, revision) => revision));
    }

    // A clean rebuild from offset 0 gives the same read model.
    const liveHash = await readModelHash(tallies);
    await projection.stop();
    await rebuildProjection(streamTallyProjection, { kafka, connection, ...streamTallyDeps(topic) });
    expect(await readModelHash(connection.collection('stream_tally'))).toBe(liveHash);
  }, 900000);
});
