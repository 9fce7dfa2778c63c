import type { Admin, Kafka } from 'kafkajs';

/** A partition's records between `low` (first retained) and `high` (next to be written). */
export interface PartitionRange {
  topic: string;
  partition: number;
  low: bigint;
  high: bigint;
}

export const rangeSize = (ranges: readonly PartitionRange[]): number =>
  ranges.reduce((sum, range) => sum + Number(range.high - range.low), 0);

export const partitionKeyOf = (topic: string, partition: number): string => `${topic}:${partition}`;

export async function captureRanges(admin: Admin, topics: readonly string[]): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const topic of topics) {
    for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
      ranges.push({ topic, partition, low: BigInt(low), high: BigInt(high) });
    }
  }
  return ranges;
}

/** The group's committed offsets (the next offset it will read), by `topic:partition`; absent when none. */
export async function committedOffsets(admin: Admin, groupId: string, topics: readonly string[]): Promise<Map<string, bigint>> {
  const committed = new Map<string, bigint>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const { partition, offset } of partitions) {
      if (Number(offset) >= 0) committed.set(partitionKeyOf(topic, partition), BigInt(offset));
    }
  }
  return committed;
}

/** Best effort: a group with members, or already gone, stays as it is. */
export async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Not empty yet (another replica still consumes with it) or unreachable: Kafka expires it eventually.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
