import type { Kafka } from 'kafkajs';
import mongoose from 'mongoose';
import type { Pool } from 'pg';
import { PROJECTION_STATE_COLLECTION } from '@crm/projections';

/**
 * Best effort, after the services stopped: the run's MongoDB databases, the projections' consumer groups (their ids
 * are kept next to the read models), its topics and its PostgreSQL schemas. Returns what could not be removed.
 */
export async function removeRunData(options: {
  pool: Pool;
  schemas: string[];
  mongoUri: string;
  databases: string[];
  kafka: Kafka;
  topics: string[];
}): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      // kafkajs names the failing group's error only in `groups`.
      const groups = (error as { groups?: { error?: { type?: string } }[] }).groups;
      problems.push(`${what}: ${(error as Error).message}${groups ? ` (${groups.map((g) => g.error?.type).join()})` : ''}`);
    }
  };
  const groupIds: string[] = [];
  const client = new mongoose.mongo.MongoClient(options.mongoUri);
  await attempt('MongoDB', async () => {
    await client.connect();
    for (const name of options.databases) {
      const db = client.db(name);
      const states = await db.collection<{ groupId?: string }>(PROJECTION_STATE_COLLECTION).find({}).toArray();
      groupIds.push(...states.flatMap((state) => (state.groupId ? [state.groupId] : [])));
      await db.dropDatabase();
    }
  });
  await client.close().catch(() => undefined);
  const admin = options.kafka.admin();
  await attempt('Kafka', async () => {
    await admin.connect();
    // One by one: a group that never committed is not found, which must not keep the others.
    for (const groupId of groupIds) await attempt(`consumer group ${groupId}`, () => admin.deleteGroups([groupId]));
    const existing = new Set(await admin.listTopics());
    const topics = options.topics.filter((topic) => existing.has(topic));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  });
  await admin.disconnect().catch(() => undefined);
  for (const schema of options.schemas)
    await attempt(`PostgreSQL schema ${schema}`, () => options.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  return problems;
}
