import { randomUUID } from 'node:crypto';
import { instanceOfStream, newId } from '@crm/eventsourcing';
import {
  EventRelay,
  PostgresCheckpointStore,
  PostgresLease,
  ensureTopics,
  fromKafkaMessage,
  type EventRelayOptions,
} from '@crm/messaging';
import { header, readTopic, testKafka, testStore, topicMessageCount } from './support';

describe('EventRelay (PostgreSQL store → Kafka)', () => {
  const kafka = testKafka('relay-test');
  // A relay publishes its whole store, so every test gets a store (schema) of its own.
  let env: Awaited<ReturnType<typeof testStore>>;
  let checkpoints: PostgresCheckpointStore;

  beforeEach(async () => {
    env = await testStore('relay');
    checkpoints = new PostgresCheckpointStore(env.pool, env.schema);
    await checkpoints.migrate();
  });
  afterEach(async () => {
    await env.drop();
  });

  function relayFor(topic: string, overrides: Partial<EventRelayOptions> = {}): EventRelay {
    return new EventRelay({
      service: 'contacts',
      store: env.store,
      kafka,
      topic,
      checkpoints,
      lease: new PostgresLease({ connectionString: process.env.DATABASE_URL }, `${env.schema}:${topic}`, 200),
      name: `relay:${topic}`,
      subjectOf: (event) => (event.data as { contactId?: string }).contactId,
      aggregateIdOf: (event) => instanceOfStream([{ name: 'contact' }], event.streamName)!.id,
      ...overrides,
    });
  }

  async function freshTopic(): Promise<string> {
    const topic = `test.relay.${randomUUID()}`;
    await ensureTopics(kafka, [topic], 3);
    return topic;
  }

  it('publishes every event once, in stream order per key, as a binary-mode CloudEvent', async () => {
    const topic = await freshTopic();
    const contacts = Array.from({ length: 5 }, () => newId());
    for (let round = 0; round < 4; round++) {
      for (const contactId of contacts) {
        await env.store.append(`contact-${contactId}`, [
          {
            type: 'ContactRenamed',
            data: { contactId, round },
            metadata: { correlationId: `corr-${round}`, actor: 'user-7', schemaVersion: 1 },
          },
        ]);
      }
    }
    const relay = relayFor(topic);
    relay.start();
    const messages = await readTopic(kafka, topic, 20);
    await relay.stop();

    expect(messages).toHaveLength(20);
    const first = messages.find((m) => header(m, 'ce_subject') === contacts[0] && JSON.parse(String(m.value)).round === 0)!;
    expect(first.key?.toString()).toBe(contacts[0]);
    expect(header(first, 'ce_specversion')).toBe('1.0');
    expect(header(first, 'ce_type')).toBe('crm.contacts.ContactRenamed');
    expect(header(first, 'ce_source')).toBe('/contacts');
    expect(header(first, 'ce_dataversion')).toBe('1');
    expect(header(first, 'ce_correlationid')).toBe('corr-0');
    expect(header(first, 'ce_actor')).toBe('user-7');
    expect(header(first, 'content-type')).toBe('application/json');
    expect(new Date(header(first, 'ce_time')!).toISOString()).toBe(header(first, 'ce_time'));

    for (const contactId of contacts) {
      const ofContact = messages.filter((m) => m.key?.toString() === contactId);
      expect(new Set(ofContact.map((m) => m.partition)).size).toBe(1);
      expect(ofContact.map((m) => fromKafkaMessage(m).revision)).toEqual([0, 1, 2, 3]);
    }
  });

  it('resumes from its checkpoint after a restart without republishing', async () => {
    const topic = await freshTopic();
    const stream = `contact-${newId()}`;
    await env.store.append(stream, [
      { type: 'A', data: {} },
      { type: 'B', data: {} },
    ]);
    const relay = relayFor(topic);
    relay.start();
    await readTopic(kafka, topic, 2);
    await relay.stop();

    await env.store.append(stream, [{ type: 'C', data: {} }]);
    const again = relayFor(topic);
    again.start();
    const messages = await readTopic(kafka, topic, 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await again.stop();
    expect(messages.map((m) => header(m, 'ce_type'))).toEqual(['crm.contacts.A', 'crm.contacts.B', 'crm.contacts.C']);
    expect(await topicMessageCount(kafka, topic)).toBe(3);
  });

  it('lets one replica publish at a time and fails over when the leader stops', async () => {
    const topic = await freshTopic();
    const stream = `contact-${newId()}`;
    const leader = relayFor(topic);
    const standby = relayFor(topic);
    leader.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    standby.start();
    await env.store.append(stream, [{ type: 'One', data: {} }]);
    await readTopic(kafka, topic, 1);

    await leader.stop();
    await env.store.append(stream, [{ type: 'Two', data: {} }]);
    const messages = await readTopic(kafka, topic, 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await standby.stop();
    expect(messages.map((m) => header(m, 'ce_type'))).toEqual(['crm.contacts.One', 'crm.contacts.Two']);
    // Two replicas were running: a second publisher would have doubled the records.
    expect(await topicMessageCount(kafka, topic)).toBe(2);
  });
});
