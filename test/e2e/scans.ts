import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import mongoose from 'mongoose';
import type { Pool } from 'pg';

/**
 * Searches texts for values, case-insensitively (read models may keep lower-cased copies for search), and
 * remembers where each was found and how many records of each place were looked at.
 */
export class TextScan {
  private readonly needles: { value: string; lower: string }[];
  private readonly found = new Map<string, Set<string>>();
  /** Records looked at, per place (`mongo:<db>.<collection>`, `pg:<schema>.<table>`, `kafka:<topic>`). */
  readonly scanned = new Map<string, number>();

  constructor(values: Iterable<string>) {
    this.needles = [...new Set(values)].map((value) => ({ value, lower: value.toLowerCase() }));
  }

  look(place: string, text: string): void {
    this.scanned.set(place, (this.scanned.get(place) ?? 0) + 1);
    const lower = text.toLowerCase();
    for (const needle of this.needles) {
      if (!lower.includes(needle.lower)) continue;
      const places = this.found.get(needle.value) ?? new Set();
      this.found.set(needle.value, places.add(place));
    }
  }

  /** Where `value` was found (it must be one of the values scanned for). */
  placesOf(value: string): string[] {
    if (!this.needles.some((needle) => needle.value === value)) throw new Error(`${value} was not scanned for`);
    return [...(this.found.get(value) ?? [])].sort();
  }

  /** Records looked at in the places whose name starts with `prefix`. */
  scannedIn(prefix: string): number {
    return [...this.scanned].filter(([place]) => place.startsWith(prefix)).reduce((sum, [, count]) => sum + count, 0);
  }
}

/** Every document of every collection of a MongoDB database, as the raw BSON the server returns. */
export async function scanMongoDatabase(scan: TextScan, uri: string, dbName: string): Promise<string[]> {
  const client = await new mongoose.mongo.MongoClient(uri).connect();
  try {
    const db = client.db(dbName);
    const collections = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    for (const name of collections) {
      // raw: the driver hands back the BSON bytes undecoded, so nothing is hidden by a decoding step.
      for await (const document of db.collection(name).find({}, { raw: true })) {
        scan.look(`mongo:${dbName}.${name}`, Buffer.from(document as unknown as Uint8Array).toString('utf8'));
      }
    }
    return collections;
  } finally {
    await client.close();
  }
}

/** Every row of every table (and view) of a PostgreSQL schema, each column as text (bytea decoded as UTF-8). */
export async function scanPostgresSchema(scan: TextScan, pool: Pool, schema: string): Promise<string[]> {
  const { rows: tables } = await pool.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  for (const { table_name: table } of tables) {
    const { rows } = await pool.query(`SELECT * FROM "${schema}"."${table}"`);
    for (const row of rows) scan.look(`pg:${schema}.${table}`, rowText(row));
  }
  return tables.map((table) => table.table_name);
}

function rowText(row: Record<string, unknown>): string {
  return Object.entries(row)
    .map(([column, value]) => `${column}=${Buffer.isBuffer(value) ? value.toString('utf8') : JSON.stringify(value)}`)
    .join('\n');
}

/**
 * Every message of a topic (key, headers and value), read from the beginning up to the end offsets taken when
 * the scan starts. Returns the messages and the CloudEvents ids seen (`ce_id`).
 */
export async function scanKafkaTopic(
  scan: TextScan,
  kafka: Kafka,
  topic: string,
): Promise<{ messages: KafkaMessage[]; eventIds: Set<string> }> {
  const eventIds = new Set<string>();
  const messages = await readTopicToEnd(kafka, topic, (message) => {
    const headers = Object.entries(message.headers ?? {}).map(([name, value]) => `${name}=${String(value)}`);
    scan.look(`kafka:${topic}`, [`key=${String(message.key)}`, ...headers, String(message.value)].join('\n'));
    const id = message.headers?.ce_id;
    if (id !== undefined) eventIds.add(String(id));
  });
  return { messages, eventIds };
}

/** Reads a topic from the beginning to the end offsets it has when called; `each` sees every message. */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  each: (message: KafkaMessage) => void = () => undefined,
  timeoutMs = 60000,
): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `e2e-scan-${randomBytes(6).toString('hex')}`;
  const messages: KafkaMessage[] = [];
  try {
    const ends = new Map<number, bigint>();
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > BigInt(low)) ends.set(partition, BigInt(high));
    }
    if (ends.size === 0) return messages;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`Read ${messages.length} messages of ${topic}; partitions not read to their end: ${[...ends.keys()]}`),
            ),
          timeoutMs,
        );
        void consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              messages.push(message);
              each(message);
              if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) ends.delete(partition);
              if (ends.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    await admin.deleteGroups([groupId]).catch(() => undefined);
    return messages;
  } finally {
    await admin.disconnect();
  }
}
