import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import mongoose from 'mongoose';
import type { Kafka } from 'kafkajs';
import { instanceOfStream, newId, type RecordedEvent } from '@crm/eventsourcing';
import { createKafka, ensureTopics, fromKafkaMessage, parseBrokers, toPublishedMessage } from '@crm/messaging';
import { defineProjection, rebuildProjection } from '@crm/projections';
import { BenchContactRenamed, benchDecoder, type BenchRenamed as Renamed } from './contracts';
import { compare, deleteTopic, measure, recordRatio, report, requiredEnv } from './harness';

/**
 * Projection rebuild throughput: `rebuildProjection` end to end (capture the topic's end offsets, a
 * new consumer group from offset 0 into a staging collection, wait for its committed offsets, swap)
 * against a raw baseline.
 *
 * The baseline is the same documents written with the raw MongoDB driver by a plain kafkajs consumer
 * of the same topic: a fresh group from offset 0, default consumer settings (the runner's
 * EventConsumer uses the defaults too, so Kafka hands both the same batches), each message decoded
 * with `fromKafkaMessage`, and for each Kafka batch one unordered `bulkWrite` with one upsert per
 * document the batch touches (`$inc` the counter, `$set` the last values), offsets committed after
 * each batch (kafkajs autoCommit). Reading Kafka is part of both, so the ratio isolates what the
 * projection machinery adds: the read of the touched documents before writing, the state check,
 * the per-stream revisions and version guards in `_meta`, the staging collection and the swap.
 * The baseline is not idempotent (a redelivered batch would count twice): that is what it saves.
 * Both collections are compared field by field at the end.
 */
const EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 20000);
const STREAMS = 2000;
const PUBLISH_BATCH = 1000;

interface ContactCounter {
  stream: string;
  contactId: string;
  count: number;
  lastRevision: number;
  lastFamily: string;
  lastEmail: string;
  lastAt: string;
}

const counterProjection = () =>
  defineProjection<ContactCounter, typeof BenchContactRenamed>({
    name: 'bench-rebuild',
    collection: 'contact_counters',
    handles: [BenchContactRenamed],
    documentId: (event) => event.stream,
    evolve: (doc, event) => {
      const data = event.data;
      return {
        stream: event.stream,
        contactId: data.contactId,
        count: (doc?.count ?? 0) + 1,
        lastRevision: event.revision,
        lastFamily: data.name.family,
        lastEmail: data.email,
        lastAt: data.at,
      };
    },
  });

export async function rebuildBenchmark(): Promise<void> {
  const kafka = createKafka({ brokers: parseBrokers(requiredEnv('KAFKA_BROKERS')), clientId: 'bench-rebuild' });
  const topic = `bench.rebuild.${newId()}`;
  const dbName = `bench_rebuild_${randomBytes(4).toString('hex')}`;
  const connection = await mongoose.createConnection(requiredEnv('MONGODB_URI'), { dbName }).asPromise();
  try {
    await ensureTopics(kafka, [topic], 3);
    await publish(kafka, topic);
    const projection = counterProjection();

    let rebuilt = 0;
    const subject = await measure('rebuildProjection (runner → MongoDB)', EVENTS, async () => {
      rebuilt = (await rebuildProjection(projection, { kafka, connection, decoder: benchDecoder(), topicOf: () => topic }))
        .events;
    });
    if (rebuilt !== EVENTS) throw new Error(`rebuild saw ${rebuilt} events, expected ${EVENTS}`);

    const db = connection.db as mongoose.mongo.Db;
    const raw = db.collection<ContactCounter & { _id: string }>('raw_counters');
    let batches = 0;
    const baseline = await measure('kafkajs consumer + raw bulkWrite', EVENTS, async () => {
      batches = await consumeRaw(kafka, topic, raw);
    });

    const mismatches = await compareCollections(db.collection(projection.collection), raw);
    if (mismatches > 0) throw new Error(`${mismatches} document(s) differ between the rebuilt and the raw collection`);

    // R4 (issue 14): at least 0.7 of the raw consumer + bulkWrite.
    const r4 = recordRatio(compare(subject, baseline, 0.7), '0.53-0.62');
    report('rebuild (rebuildProjection vs raw consumer + bulkWrite)', [r4], {
      events: EVENTS,
      streams: STREAMS,
      partitions: 3,
      baselineBatches: batches,
      documentsCompared: await raw.countDocuments(),
      guardedReplaceProbe: await probeGuardedReplace(db.collection(projection.collection)),
      loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
    });
  } finally {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
    await deleteTopic(kafka, topic);
  }
}

const envelope = {
  service: 'bench',
  subjectOf: (event: RecordedEvent) => (event.data as Renamed).contactId,
  aggregateIdOf: (event: RecordedEvent) => instanceOfStream([{ name: 'contact' }], event.streamName)!.id,
};

/** N CloudEvents over STREAMS streams, keyed by contact id (one stream, one partition), in batched sends. */
async function publish(kafka: Kafka, topic: string): Promise<void> {
  const streams = Array.from({ length: STREAMS }, () => ({ name: `contact-${newId()}`, contactId: newId(), revision: -1 }));
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let from = 0; from < EVENTS; from += PUBLISH_BATCH) {
      const messages = [];
      for (let n = from; n < Math.min(EVENTS, from + PUBLISH_BATCH); n++) {
        const stream = streams[Math.floor(Math.random() * STREAMS)];
        stream.revision++;
        const event: RecordedEvent<Renamed> = {
          id: newId(),
          streamName: stream.name,
          type: 'ContactRenamed',
          data: {
            contactId: stream.contactId,
            n,
            name: { given: 'Ada', family: `Lovelace ${n}` },
            email: `ada${n}@example.com`,
            at: new Date().toISOString(),
          },
          metadata: { correlationId: newId() },
          revision: stream.revision,
          position: { commit: 1n, prepare: BigInt(n + 1) },
          recordedAt: new Date(),
        };
        messages.push(toPublishedMessage(event, envelope).message);
      }
      await producer.send({ topic, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The baseline: see the comment at the top. Returns how many Kafka batches it wrote. */
async function consumeRaw(kafka: Kafka, topic: string, raw: mongoose.mongo.Collection<ContactCounter & { _id: string }>) {
  const consumer = kafka.consumer({ groupId: `bench-rebuild-raw-${newId()}`, allowAutoTopicCreation: false });
  let consumed = 0;
  let batches = 0;
  let finish: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        try {
          const touched = new Map<string, { inc: number; set: ContactCounter }>();
          for (const message of batch.messages) {
            const event = fromKafkaMessage(message);
            const data = event.data as Renamed;
            const slot = touched.get(event.stream);
            const set = {
              stream: event.stream,
              contactId: data.contactId,
              lastRevision: event.revision,
              lastFamily: data.name.family,
              lastEmail: data.email,
              lastAt: data.at,
            } as ContactCounter;
            if (slot) {
              slot.inc++;
              slot.set = set;
            } else touched.set(event.stream, { inc: 1, set });
          }
          if (touched.size > 0) {
            await raw.bulkWrite(
              [...touched].map(([_id, { inc, set }]) => ({
                updateOne: { filter: { _id }, update: { $inc: { count: inc }, $set: set }, upsert: true },
              })),
              { ordered: false },
            );
          }
          batches++;
          consumed += batch.messages.length;
          if (consumed >= EVENTS) finish();
        } catch (error) {
          fail(error);
          throw error;
        }
      },
    });
    await done;
  } finally {
    // Part of the measurement, as the rebuild's consumer stop is: the last commit happens here.
    await consumer.disconnect();
  }
  return batches;
}

/** Field-by-field comparison of the projection's bodies (without `_meta`) with the raw documents. */
async function compareCollections(
  rebuilt: mongoose.mongo.Collection,
  raw: mongoose.mongo.Collection<ContactCounter & { _id: string }>,
): Promise<number> {
  const fields = ['stream', 'contactId', 'count', 'lastRevision', 'lastFamily', 'lastEmail', 'lastAt'] as const;
  const rawById = new Map((await raw.find().toArray()).map((doc) => [doc._id, doc]));
  const rebuiltDocs = await rebuilt.find().toArray();
  let mismatches = Math.abs(rawById.size - rebuiltDocs.length);
  for (const doc of rebuiltDocs) {
    const other = rawById.get(doc._id as unknown as string);
    if (!other || fields.some((field) => doc[field] !== other[field])) mismatches++;
  }
  return mismatches;
}

/**
 * The runner replaces documents with a filter on `_id` plus its version guards. Some servers (the
 * mongo-java-server used locally) only use the `_id` index when the filter is `_id` alone, and scan
 * the collection otherwise: this times both filters on the same documents, so the report says how
 * much of the gap is the server's. The replacements are the documents themselves.
 */
async function probeGuardedReplace(collection: mongoose.mongo.Collection) {
  const docs = await collection.find().limit(500).toArray();
  const time = async (filterOf: (doc: mongoose.mongo.Document) => mongoose.mongo.Filter<mongoose.mongo.Document>) => {
    const started = performance.now();
    await collection.bulkWrite(
      docs.map((doc) => ({ replaceOne: { filter: filterOf(doc), replacement: doc } })),
      { ordered: false },
    );
    return Number((((performance.now() - started) / docs.length) * 1000).toFixed(0));
  };
  const byIdMicrosPerOp = await time((doc) => ({ _id: doc._id }));
  const guardedMicrosPerOp = await time((doc) => ({
    _id: doc._id,
    '_meta.version': doc._meta.version,
    '_meta.generation': doc._meta.generation,
  }));
  return { documents: await collection.countDocuments(), byIdMicrosPerOp, guardedMicrosPerOp };
}
