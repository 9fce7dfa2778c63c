import { Pool } from 'pg';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { PostgresEventStore } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { createKafka, parseBrokers } from '@crm/messaging';

export function testKafka(clientId = 'test'): Kafka {
  return createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId });
}

export async function testStore(
  prefix: string,
): Promise<{ store: PostgresEventStore; pool: Pool; schema: string; drop(): Promise<void> }> {
  const schema = uniqueSchema(prefix);
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const store = new PostgresEventStore({ pool, schema });
  await store.migrate();
  return {
    store,
    pool,
    schema,
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

/** Reads a topic from the start until `count` messages arrived (fails after `timeoutMs`). */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30000,
): Promise<(KafkaMessage & { partition: number })[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Math.random().toString(36).slice(2)}` });
  const messages: (KafkaMessage & { partition: number })[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Only ${messages.length}/${count} messages on ${topic} after ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          messages.push({ ...message, partition });
          if (messages.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

export const header = (message: KafkaMessage, name: string): string | undefined => message.headers?.[name]?.toString();

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 30000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Total records ever written to a topic (sum of partition end offsets). */
export async function topicMessageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}
