import { Kafka, logLevel, type KafkaConfig, type ITopicConfig, type Producer } from 'kafkajs';
import { sleep } from '@crm/eventsourcing';
import { createLogger, type Logger } from '@crm/platform';
import { kafkaLogCreator } from './kafka-logging';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  /** Where kafkajs logs: the service's logger. Without one, a logger of its own (warnings and errors, on stdout). */
  logger?: Logger;
}

/** Splits `KAFKA_BROKERS` ("host:port,host:port"). */
export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}

// kafkajs warns on every producer that its default partitioner changed in 2.0; we rely on the new one.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafka(connection: KafkaConnection, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    // kafkajs's INFO is chatter (every join and assignment); its warnings and errors reach our logger, which gives
    // the expected ones (a rebalance's answers) the level they deserve (kafka-logging.ts).
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(connection.logger ?? createLogger({ service: connection.clientId, level: 'warn' })),
    retry: { initialRetryTime: 100, maxRetryTime: 5000 },
    ...overrides,
  });
}

/**
 * Creates missing topics. Event topics keep their records forever: read models are rebuilt
 * by replaying them from offset 0.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = topics
      .filter((topic) => !existing.has(topic))
      .map((topic) => ({ topic, numPartitions, replicationFactor: -1, configEntries: [{ name: 'retention.ms', value: '-1' }] }));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export const deadLetterTopicOf = (topic: string): string => `${topic}.dlq`;

/**
 * Waits until the topics and their dead-letter topics exist. Their producers create them (with their partitions and
 * retention); a consumer creating them too would race the producer for it. Kafka refuses to subscribe to a topic
 * that does not exist, so consumers of other services' topics start only after this.
 */
export async function waitForTopics(
  kafka: Kafka,
  topics: readonly string[],
  { timeoutMs = 60000, onWait }: { timeoutMs?: number; onWait?: (missing: string[]) => void } = {},
): Promise<void> {
  const wanted = [...topics, ...topics.map(deadLetterTopicOf)];
  const deadline = Date.now() + timeoutMs;
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let waited = false; ; waited = true) {
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      if (Date.now() > deadline) throw new Error(`Topics ${missing.join(', ')} do not exist: has their service started?`);
      if (!waited) onWait?.(missing);
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * The producer of the relay and of dead letters: acks=all, one request in flight (so a retry never
 * reorders), and NOT kafkajs's idempotent mode. On a fresh cluster its InitProducerId can meet a
 * loading coordinator, after which kafkajs took later batches for duplicates and dropped them while
 * reporting success (seen: 273 of 5,000 events acknowledged but never written). Delivery is at least
 * once anyway and every consumer is idempotent, so a retried batch written twice is harmless.
 */
export function createOrderedProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: false, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}
