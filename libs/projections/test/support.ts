import { randomUUID } from 'node:crypto';
import mongoose, { type Connection, type mongo } from 'mongoose';
import type { Kafka } from 'kafkajs';
import { newId } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { deadLetterTopicOf, ensureTopics, toKafkaMessage, type CloudEvent } from '@crm/messaging';
import { defineProjection, type ProjectionDeps, type ProjectionDefinition, type StoredDocument } from '@crm/projections';
import { ActivityPoisoned, ActivityRecorded, activityDecoder } from './activity';

export { eventually, header, readTopic, testKafka } from '../../messaging/test/support';

/** A database of its own per test; dropped afterwards. */
export async function testDatabase(prefix: string): Promise<{ connection: Connection; db: mongo.Db; close(): Promise<void> }> {
  const connection = await mongoose.createConnection(process.env.MONGODB_URI ?? '', { dbName: uniqueSchema(prefix) }).asPromise();
  const db = connection.db!;
  return {
    connection,
    db,
    close: async () => {
      await db.dropDatabase().catch(() => undefined);
      await connection.close();
    },
  };
}

export async function freshTopic(kafka: Kafka, partitions = 3): Promise<string> {
  const topic = `test.projections.${randomUUID()}`;
  await ensureTopics(kafka, [topic, deadLetterTopicOf(topic)], partitions);
  return topic;
}

/** Publishes customer events (contactEvent), keyed by their subject as the relay keys them. */
export async function publish(kafka: Kafka, topic: string, events: readonly CloudEvent[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: events.map((event) => toKafkaMessage(event, event.subject!)) });
  } finally {
    await producer.disconnect();
  }
}

export function contactEvent(contactId: string, revision: number, type = 'crm.activity.ActivityRecorded'): CloudEvent {
  return {
    id: newId(),
    type,
    source: '/activity',
    subject: contactId,
    time: new Date().toISOString(),
    dataVersion: 1,
    data: { revision },
    stream: `contact-${contactId}`,
    revision,
    position: { commit: BigInt(revision), prepare: BigInt(revision) },
  };
}

export const POISON = 'crm.activity.ActivityPoisoned';

/** What a test's runners need: Kafka, its database, a decoder of the activity contracts, and its topic. */
export function testDeps(kafka: Kafka, connection: Connection, topic: string): ProjectionDeps {
  return { kafka, connection, decoder: activityDecoder(), topicOf: () => topic };
}

export interface ContactActivity {
  contactId: string;
  events: number;
  eventIds: string[];
}

/** Per contact: how many events and which, in order. Throws for POISON events. */
export function contactActivity(): ProjectionDefinition<ContactActivity> {
  return defineProjection<ContactActivity, typeof ActivityRecorded | typeof ActivityPoisoned>({
    name: `contact-activity-${randomUUID().slice(0, 8)}`,
    collection: 'contact_activity',
    handles: [ActivityRecorded, ActivityPoisoned],
    documentId: (event) => event.subject,
    evolve: (doc, event) => {
      if (event.type === 'ActivityPoisoned') throw new Error(`cannot project ${event.id}`);
      return { contactId: event.subject!, events: (doc?.events ?? 0) + 1, eventIds: [...(doc?.eventIds ?? []), event.id] };
    },
    indexes: [{ fields: { events: -1 }, options: { name: 'by_events' } }],
  });
}

type Projected = ContactActivity & { _id: string; streams: Record<string, number> };

/** What contactActivity must hold after these events (each applied once, in order), sorted by id. */
export function expectedActivity(events: readonly CloudEvent[]): Projected[] {
  const byContact = new Map<string, Projected>();
  for (const event of events) {
    const id = event.subject!;
    const doc = byContact.get(id) ?? { _id: id, contactId: id, events: 0, eventIds: [], streams: {} };
    byContact.set(id, {
      ...doc,
      events: doc.events + 1,
      eventIds: [...doc.eventIds, event.id],
      streams: { [event.stream]: event.revision },
    });
  }
  return [...byContact.values()].sort((a, b) => a._id.localeCompare(b._id));
}

export async function projected(collection: mongo.Collection<StoredDocument>): Promise<Projected[]> {
  const documents = await collection.find({}).sort({ _id: 1 }).toArray();
  return documents.map(
    ({ _id, contactId, events, eventIds, _meta }) => ({ _id, contactId, events, eventIds, streams: _meta.streams }) as Projected,
  );
}

/** Waits until the group has committed every partition of the topic up to its current end. */
export async function waitForGroupAtEnd(kafka: Kafka, groupId: string, topic: string, timeoutMs = 60000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = new Map(partitions.map(({ partition, offset }) => [partition, BigInt(offset)]));
      if (
        ends.every(({ partition, low, high }) => BigInt(high) <= BigInt(low) || (committed.get(partition) ?? -1n) >= BigInt(high))
      )
        return;
      if (Date.now() > deadline) throw new Error(`Group ${groupId} did not reach the end of ${topic}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
