import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { Pool } from 'pg';
import { PostgresEventStore, instanceOfStream, newId, sleep, type RecordedEvent } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import {
  EventRelay,
  PostgresCheckpointStore,
  PostgresLease,
  createKafka,
  ensureTopics,
  parseBrokers,
  type CheckpointStore,
} from '@crm/messaging';
import { ProjectionRunner, defineProjection } from '@crm/projections';
import { BenchContactTouched, benchDecoder, type BenchTouched as Touched } from './contracts';
import { compare, deleteTopic, measure, percentile, report, requiredEnv } from './harness';

/**
 * End-to-end lag at a steady rate: events appended through PostgresEventStore (one event per append,
 * one stream per contact, exact expected revisions) at RATE/s for SECONDS, an EventRelay (default
 * 10 ms idle poll, batches of 500) publishing them to a fresh topic, and a ProjectionRunner writing one
 * document per stream into a fresh MongoDB database; everything in this process.
 *
 * Visibility is measured in MongoDB itself: a poller queries the collection every POLL_MS for the
 * documents whose `seq` (the sequence number of the last event applied, set by the projection) is
 * at or above the oldest event not yet seen, and marks every event of that stream up to the
 * document's revision as visible at the moment the query returned (an upper bound: the resolution
 * is the poll period plus one query round trip, reported as `poll`). The lag of an event is that
 * moment minus the moment its append resolved (also given from just before the append was issued).
 *
 * Where the time goes is stamped along the way without changing the path: the relay's `prepare`
 * hook (called when the relay has read the event, just before sending), a wrapper of its checkpoint
 * store (saved right after Kafka acknowledged the batch with acks=all), and the projection's own
 * `documentId` (first called when the runner receives the batch) and `evolve` (called after the
 * runner has read the documents and its state, before the bulk write). These side effects make the
 * projection impure; they only record a clock. A bare kafkajs consumer in its own group, doing no
 * work, stamps when Kafka itself delivers each event: the difference to the runner's stamp is time
 * the event waited for the runner's consume loop (earlier batches being read, written, committed).
 *
 * Baseline (the floor): the same paced appends to another schema, each followed inline by a bare
 * `updateOne` upsert of the stream's document; its latency is append + upsert, with no relay, Kafka
 * or runner. The ratio compares throughputs (visible events/s against the floor's completed
 * events/s at the same offered rate): it says whether the pipeline keeps up; the lag targets are
 * checked separately.
 */
const SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_LAG_RATE ?? 500);
const EVENTS = Math.round(SECONDS * RATE);
const FLOOR_EVENTS = Math.round(Math.max(5, SECONDS / 4) * RATE);
const WARMUP = 250;
const STREAMS = 2000;
const POLL_MS = 2;
const TARGET_P50_MS = 50;
const TARGET_P99_MS = 250;

interface Timeline {
  issued: number;
  appended?: number;
  relayRead?: number;
  kafkaAcked?: number;
  delivered?: number;
  received?: number;
  planned?: number;
  visible?: number;
}

interface LagDoc {
  stream: string;
  count: number;
  revision: number;
  seq: number;
  appendedAt: string;
}

type Stats = { mean: number; p50: number; p95: number; p99: number; max: number; n: number };

export async function lagBenchmark(): Promise<void> {
  const databaseUrl = requiredEnv('DATABASE_URL');
  const kafka = createKafka({ brokers: parseBrokers(requiredEnv('KAFKA_BROKERS')), clientId: 'bench-lag' });
  // Writers and relay have their own pools, as they would in separate processes.
  const writePool = new Pool({ connectionString: databaseUrl, max: 8 });
  const relayPool = new Pool({ connectionString: databaseUrl, max: 4 });
  const [schema, floorSchema] = [uniqueSchema('bench_lag'), uniqueSchema('bench_lag_floor')];
  const store = new PostgresEventStore({ pool: writePool, schema });
  const floorStore = new PostgresEventStore({ pool: writePool, schema: floorSchema });
  const relayStore = new PostgresEventStore({ pool: relayPool, schema });
  const checkpointStore = new PostgresCheckpointStore(relayPool, schema);
  const topic = `bench.lag.${newId()}`;
  const connection = await mongoose
    .createConnection(requiredEnv('MONGODB_URI'), {
      dbName: `bench_lag_${randomBytes(4).toString('hex')}`,
    })
    .asPromise();
  const db = connection.db as mongoose.mongo.Db;

  const streams = Array.from({ length: STREAMS }, () => ({ name: `contact-${newId()}`, contactId: newId() }));
  const timelines: Timeline[] = [];
  const stamp = (event: { data: unknown }, field: 'relayRead' | 'received' | 'planned'): boolean => {
    const timeline = timelines[(event.data as Touched).seq];
    if (!timeline || timeline[field] !== undefined) return false;
    timeline[field] = performance.now();
    return true;
  };
  // The runner's batches: the first `documentId` calls of a batch run in one synchronous loop.
  const runnerBatches: { at: number; events: number }[] = [];
  let inBatch = false;

  // Sent by the relay, not acknowledged yet: the relay sends one batch at a time, then saves its checkpoint.
  const sending: number[] = [];
  const checkpoints: CheckpointStore = {
    load: (name) => checkpointStore.load(name),
    save: (name, position) => {
      const now = performance.now();
      for (const seq of sending.splice(0)) timelines[seq].kafkaAcked ??= now;
      return checkpointStore.save(name, position);
    },
  };
  const relay = new EventRelay({
    service: 'bench',
    store: relayStore,
    kafka,
    topic,
    checkpoints,
    lease: new PostgresLease({ connectionString: databaseUrl }, `bench:${schema}`),
    name: 'bench-lag',
    subjectOf: (event) => (event.data as Touched).contactId,
    aggregateIdOf: (event) => instanceOfStream([{ name: 'contact' }], event.streamName)!.id,
    prepare: (events: RecordedEvent[]) => {
      for (const event of events) {
        stamp(event, 'relayRead');
        sending.push((event.data as Touched).seq);
      }
      return events;
    },
  });
  const projection = defineProjection<LagDoc, typeof BenchContactTouched>({
    name: 'bench-lag',
    collection: 'lag_docs',
    handles: [BenchContactTouched],
    documentId: (event) => {
      if (stamp(event, 'received')) {
        if (!inBatch) {
          inBatch = true;
          runnerBatches.push({ at: performance.now(), events: 0 });
          queueMicrotask(() => (inBatch = false));
        }
        runnerBatches[runnerBatches.length - 1].events++;
      }
      return event.stream;
    },
    evolve: (doc, event) => {
      stamp(event, 'planned');
      const data = event.data;
      return { stream: event.stream, count: (doc?.count ?? 0) + 1, revision: event.revision, seq: data.seq, appendedAt: data.at };
    },
    indexes: [{ fields: { seq: 1 } }],
  });
  const runner = new ProjectionRunner(projection, { kafka, connection, decoder: benchDecoder(), topicOf: () => topic });
  // A bare consumer of its own group, doing nothing: when Kafka itself delivers (a side branch, not in the sum).
  const probe = kafka.consumer({ groupId: `bench-lag-probe-${newId()}`, allowAutoTopicCreation: false });
  const poller = new VisibilityPoller(db.collection<LagDoc>(projection.collection), timelines);

  // Event `seq` is revision floor(seq / STREAMS) of stream seq % STREAMS: the expected revision is known.
  const append = async (target: PostgresEventStore, seq: number): Promise<Timeline> => {
    const timeline: Timeline = { issued: performance.now() };
    if (target === store) timelines[seq] = timeline;
    const stream = streams[seq % STREAMS];
    const revision = Math.floor(seq / STREAMS) - 1;
    await target.append(
      stream.name,
      [{ type: 'ContactTouched', data: { contactId: stream.contactId, seq, at: new Date().toISOString() } satisfies Touched }],
      { expectedRevision: revision < 0 ? 'no_stream' : revision },
    );
    timeline.appended = performance.now();
    return timeline;
  };

  try {
    await Promise.all([store.migrate(), floorStore.migrate()]);
    await checkpointStore.migrate();
    await ensureTopics(kafka, [topic], 3);
    await probe.connect();
    await probe.subscribe({ topics: [topic], fromBeginning: true });
    await probe.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const message of batch.messages) {
          const timeline = timelines[(JSON.parse(message.value?.toString() ?? '{}') as Touched).seq];
          if (timeline) timeline.delivered ??= now;
        }
      },
    });
    relay.start();
    await runner.start();
    poller.start();

    // Warm-up: the relay's lease and producer, the runner's group join, the first documents.
    await paced(0, WARMUP, (seq) => append(store, seq));
    await poller.waitFor(WARMUP, 60000);

    const pipeline = await measure(`pipeline, ${RATE}/s offered`, EVENTS, async () => {
      await paced(WARMUP, EVENTS, (seq) => append(store, seq));
      await poller.waitFor(WARMUP + EVENTS, 60000);
    });
    await poller.stop();
    await runner.stop();
    await relay.stop();
    await probe.disconnect();

    // The floor: same pacing, append then a bare upsert inline, nothing else running.
    const floorDocs = db.collection<LagDoc & { _id: string }>('floor_docs');
    const floorTimes: { total: number; upsert: number }[] = [];
    const floor = await measure(`inline append + upsert, ${RATE}/s offered`, FLOOR_EVENTS, () =>
      paced(0, FLOOR_EVENTS, async (seq) => {
        const timeline = await append(floorStore, seq);
        const stream = streams[seq % STREAMS];
        await floorDocs.updateOne(
          { _id: stream.name },
          {
            $set: { stream: stream.name, revision: Math.floor(seq / STREAMS), seq, appendedAt: new Date().toISOString() },
            $inc: { count: 1 },
          },
          { upsert: true },
        );
        const now = performance.now();
        floorTimes.push({ total: now - timeline.issued, upsert: now - (timeline.appended as number) });
      }),
    );

    const measured = timelines.slice(WARMUP, WARMUP + EVENTS);
    const between = (from: keyof Timeline, to: keyof Timeline) =>
      stats(
        measured.flatMap((t) => (t[from] !== undefined && t[to] !== undefined ? [(t[to] as number) - (t[from] as number)] : [])),
      );
    const stages: Record<string, Stats> = {
      'append (issued → resolved)': between('issued', 'appended'),
      'resolved → relay read it': between('appended', 'relayRead'),
      'relay read → Kafka acked (acks=all)': between('relayRead', 'kafkaAcked'),
      '(side) Kafka acked → bare consumer got it': between('kafkaAcked', 'delivered'),
      'Kafka acked → runner got the batch': between('kafkaAcked', 'received'),
      'runner: read docs + state': between('received', 'planned'),
      'bulkWrite + seen by poller': between('planned', 'visible'),
      'LAG resolved → visible': between('appended', 'visible'),
      'lag issued → visible': between('issued', 'visible'),
      'floor: append + upsert': stats(floorTimes.map((t) => t.total)),
      'floor: upsert alone': stats(floorTimes.map((t) => t.upsert)),
    };
    console.log(
      `\nlag (${EVENTS} events at ${RATE}/s over ${SECONDS} s; ms; stages in pipeline order; the means add up, except the side branch)`,
    );
    console.table(
      Object.fromEntries(
        Object.entries(stages).map(([stage, s]) => [
          stage,
          {
            mean: s.mean.toFixed(1),
            p50: s.p50.toFixed(1),
            p95: s.p95.toFixed(1),
            p99: s.p99.toFixed(1),
            max: s.max.toFixed(1),
            n: s.n,
          },
        ]),
      ),
    );
    const lag = stages['LAG resolved → visible'];
    const missing = EVENTS - lag.n;
    report('lag (store → relay → Kafka → projection vs inline append + upsert)', [compare(pipeline, floor, 0.95)], {
      offeredRate: RATE,
      achievedAppendRate: Math.round(EVENTS / ((measured[EVENTS - 1].issued - measured[0].issued) / 1000)),
      events: EVENTS,
      missing,
      lagMs: round(lag),
      targets: {
        p50: `${lag.p50.toFixed(1)} < ${TARGET_P50_MS}: ${lag.p50 < TARGET_P50_MS ? 'yes' : 'NO'}`,
        p99: `${lag.p99.toFixed(1)} < ${TARGET_P99_MS}: ${lag.p99 < TARGET_P99_MS ? 'yes' : 'NO'}`,
      },
      floorMs: round(stages['floor: append + upsert']),
      stagesMs: Object.fromEntries(Object.entries(stages).map(([stage, s]) => [stage, round(s)])),
      poll: poller.summary(),
      loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
      runnerBatches: batchSummary(runnerBatches.filter(({ at }) => at >= measured[0].issued)),
    });
    if (missing > 0) throw new Error(`${missing} event(s) never became visible`);
  } finally {
    await poller.stop();
    await runner.stop().catch(() => undefined);
    await relay.stop().catch(() => undefined);
    await probe.disconnect().catch(() => undefined);
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
    for (const name of [schema, floorSchema]) await writePool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await Promise.all([writePool.end(), relayPool.end()]);
    await deleteTopic(kafka, topic);
  }
}

/** Issues `fire(from + i)` at `i / RATE` seconds after the start, without waiting for earlier ones. */
async function paced(from: number, count: number, fire: (seq: number) => Promise<unknown>): Promise<void> {
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for (let i = 0; i < count && failure === undefined;) {
    while (i < count && start + (i * 1000) / RATE <= performance.now()) {
      const done: Promise<void> = fire(from + i++).then(
        () => void inFlight.delete(done),
        (error: unknown) => {
          failure ??= error;
          inFlight.delete(done);
        },
      );
      inFlight.add(done);
    }
    if (i < count) await sleep(Math.max(1, start + (i * 1000) / RATE - performance.now()));
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}

/** Marks events visible when their stream's document shows their revision; see the comment at the top. */
class VisibilityPoller {
  private readonly applied = new Int32Array(STREAMS);
  private lowest = 0;
  private visible = 0;
  private polls = 0;
  private pollMs = 0;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly collection: mongoose.mongo.Collection<LagDoc>,
    private readonly timelines: Timeline[],
  ) {}

  start(): void {
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  async waitFor(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.visible < count && performance.now() < deadline) await sleep(5);
  }

  summary() {
    return { polls: this.polls, meanRoundTripMs: Number((this.pollMs / Math.max(1, this.polls)).toFixed(2)), sleepMs: POLL_MS };
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = performance.now();
      const docs = await this.collection
        .find({ seq: { $gte: this.lowest } }, { projection: { _id: 0, seq: 1, revision: 1 } })
        .toArray();
      const now = performance.now();
      this.polls++;
      this.pollMs += now - started;
      for (const { seq, revision } of docs) {
        const stream = seq % STREAMS;
        for (let r = this.applied[stream]; r <= revision; r++) {
          const timeline = this.timelines[stream + r * STREAMS];
          if (timeline && timeline.visible === undefined) {
            timeline.visible = now;
            this.visible++;
          }
        }
        this.applied[stream] = Math.max(this.applied[stream], revision + 1);
      }
      while (this.timelines[this.lowest]?.visible !== undefined) this.lowest++;
      await sleep(POLL_MS);
    }
  }
}

/** How often the runner started a batch, and how big they were: its consume loop is serial. */
function batchSummary(batches: { at: number; events: number }[]) {
  const gaps = stats(batches.slice(1).map(({ at }, i) => at - batches[i].at));
  return {
    count: batches.length,
    meanEvents: Number((batches.reduce((sum, { events }) => sum + events, 0) / Math.max(1, batches.length)).toFixed(1)),
    gapBetweenStartsMs: { p50: Number(gaps.p50.toFixed(1)), p95: Number(gaps.p95.toFixed(1)), max: Number(gaps.max.toFixed(1)) },
  };
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    mean,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    n: sorted.length,
  };
}

const round = (s: Stats) =>
  Object.fromEntries(Object.entries(s).map(([key, value]) => [key, key === 'n' ? value : Number(value.toFixed(1))]));
