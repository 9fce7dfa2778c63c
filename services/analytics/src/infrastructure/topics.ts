import type { Kafka } from 'kafkajs';
import { sleep } from '@crm/eventsourcing';
import { deadLetterTopicOf } from '@crm/messaging';

/**
 * Waits until the source topics and their dead-letter topics exist. Their producers create them (with their
 * partitions and retention); a consumer creating them too would race the producer for it. Kafka refuses to
 * subscribe to a topic that does not exist, so the projections start only after this.
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
