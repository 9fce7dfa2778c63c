import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Pool } from 'pg';
import { newId } from '@crm/eventsourcing';
import {
  EventConsumer,
  deadLetterTopicOf,
  ensureTopics,
  toKafkaMessage as toKafkaMessageUnder,
  type CloudEvent,
  type ConsumedEvent,
} from '@crm/messaging';
import { eventually, header, readTopic, testKafka } from './support';

const kafka = testKafka('consumer-test');

function cloudEvent(
  stream: string,
  revision: number,
  type = 'crm.contacts.ContactRenamed',
  data: unknown = { revision },
): CloudEvent {
  return {
    id: newId(),
    type,
    source: '/contacts',
    subject: stream.slice('contact-'.length),
    time: new Date().toISOString(),
    dataVersion: 1,
    data,
    stream,
    revision,
    position: { commit: BigInt(revision), prepare: BigInt(revision) },
  };
}

/** These events all concern a customer: keyed by the subject, as the relay keys them. */
const toKafkaMessage = (event: CloudEvent) => toKafkaMessageUnder(event, event.subject!);

async function freshTopics(): Promise<string> {
  const topic = `test.consumer.${randomUUID()}`;
  await ensureTopics(kafka, [topic, deadLetterTopicOf(topic)], 1);
  return topic;
}

async function publish(topic: string, messages: Parameters<ReturnType<typeof kafka.producer>['send']>[0]['messages']) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();
}

describe('EventConsumer', () => {
  it('dead-letters a poison message with the reason and keeps handling the events after it', async () => {
    const topic = await freshTopics();
    const stream = `contact-${newId()}`;
    const events = [0, 1, 2, 3, 4].map((revision) =>
      cloudEvent(stream, revision, 'crm.contacts.ContactRenamed', { revision, poison: revision === 2 }),
    );
    await publish(topic, [
      toKafkaMessage(events[0]),
      { key: 'garbage', value: 'not json at all', headers: { ce_specversion: '1.0' } },
      ...events.slice(1).map(toKafkaMessage),
    ]);

    const handled: number[] = [];
    let attemptsOnPoison = 0;
    const consumer = new EventConsumer({
      kafka,
      groupId: `group-${randomUUID()}`,
      topics: [topic],
      retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 },
      handle: async (batch: ConsumedEvent[]) => {
        for (const event of batch) {
          const data = event.data as { revision: number; poison: boolean };
          if (data.poison) {
            attemptsOnPoison++;
            throw new Error(`cannot project revision ${data.revision}`);
          }
        }
        handled.push(...batch.map((event) => (event.data as { revision: number }).revision));
      },
    });
    await consumer.start();
    await eventually(() => handled.includes(4), 30000, 'events after the poison');
    await consumer.stop();

    expect(handled).toEqual([0, 1, 3, 4]);
    expect(attemptsOnPoison).toBeGreaterThanOrEqual(3);
    const dead = await readTopic(kafka, deadLetterTopicOf(topic), 2);
    const reasons = dead.map((m) => header(m, 'dlq_reason'));
    expect(reasons).toEqual([
      expect.stringContaining('MalformedCloudEventError'),
      expect.stringContaining('cannot project revision 2'),
    ]);
    expect(dead[1].headers?.ce_id?.toString()).toBe(events[2].id);
    expect(header(dead[1], 'dlq_original_topic')).toBe(topic);
    expect(header(dead[1], 'dlq_attempts')).toBe('3');
  });

  it('commits only what was handled: a restarted group continues where it stopped', async () => {
    const topic = await freshTopics();
    const groupId = `group-${randomUUID()}`;
    const stream = `contact-${newId()}`;
    await publish(
      topic,
      [0, 1, 2].map((revision) => toKafkaMessage(cloudEvent(stream, revision))),
    );

    const first: number[] = [];
    const consumer = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      handle: async (batch) => void first.push(...batch.map((e) => e.revision)),
    });
    await consumer.start();
    await eventually(() => first.length === 3, 30000, 'first three');
    await consumer.stop();

    await publish(
      topic,
      [3, 4].map((revision) => toKafkaMessage(cloudEvent(stream, revision))),
    );
    const second: number[] = [];
    const restarted = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      handle: async (batch) => void second.push(...batch.map((e) => e.revision)),
    });
    await restarted.start();
    await eventually(() => second.length === 2, 30000, 'the two new events');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await restarted.stop();
    expect(first).toEqual([0, 1, 2]);
    expect(second).toEqual([3, 4]);
  });

  describe('with a commit interval', () => {
    async function committed(groupId: string, topic: string): Promise<string> {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return partitions[0].offset;
      } finally {
        await admin.disconnect();
      }
    }

    const consumerOf = (groupId: string, topic: string, commitIntervalMs: number, handled: number[]) =>
      new EventConsumer({
        kafka,
        groupId,
        topics: [topic],
        commitIntervalMs,
        handle: async (batch) => void handled.push(...batch.map((e) => e.revision)),
      });

    it('commits the first batch at once and the next ones later; a stop commits what was handled', async () => {
      const topic = await freshTopics();
      const groupId = `group-${randomUUID()}`;
      const stream = `contact-${newId()}`;
      const handled: number[] = [];
      const consumer = consumerOf(groupId, topic, 600_000, handled);
      await consumer.start();
      await publish(topic, [toKafkaMessage(cloudEvent(stream, 0))]);
      await eventually(async () => (await committed(groupId, topic)) === '1', 30000, 'the first event committed');
      await publish(
        topic,
        [1, 2].map((revision) => toKafkaMessage(cloudEvent(stream, revision))),
      );
      await eventually(() => handled.length === 3, 30000, 'the next two handled');
      expect(await committed(groupId, topic)).toBe('1');

      await consumer.stop();
      expect(await committed(groupId, topic)).toBe('3');
      await publish(topic, [toKafkaMessage(cloudEvent(stream, 3))]);
      const again: number[] = [];
      const restarted = consumerOf(groupId, topic, 600_000, again);
      await restarted.start();
      await eventually(() => again.length === 1, 30000, 'the new event');
      await restarted.stop();
      expect(handled).toEqual([0, 1, 2]);
      expect(again).toEqual([3]);
    });

    it('commits what came last once the interval is over, with nothing after it', async () => {
      const topic = await freshTopics();
      const groupId = `group-${randomUUID()}`;
      const stream = `contact-${newId()}`;
      const handled: number[] = [];
      const consumer = consumerOf(groupId, topic, 300, handled);
      await consumer.start();
      try {
        await publish(topic, [toKafkaMessage(cloudEvent(stream, 0))]);
        await eventually(() => handled.length === 1, 30000, 'the first event');
        await publish(
          topic,
          [1, 2].map((revision) => toKafkaMessage(cloudEvent(stream, revision))),
        );
        await eventually(async () => (await committed(groupId, topic)) === '3', 30000, 'all three committed');
      } finally {
        await consumer.stop();
      }
    });
  });
});

describe('EventConsumer during an outage of what its handler writes to', () => {
  // A PostgreSQL that is down: a port nothing listens on, so every query fails as a real outage does (ECONNREFUSED).
  let downPool: Pool;
  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    downPool = new Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/crm`, max: 1 });
  });
  afterAll(() => downPool.end());

  /** Calls the handler of the n-th attempt: the first `failing` ones query the PostgreSQL that is down. */
  const outageFor = (failing: number) => {
    let calls = 0;
    return {
      get calls() {
        return calls;
      },
      attempt: async () => {
        if (++calls <= failing) await downPool.query('SELECT 1');
      },
    };
  };

  async function highWatermark(topic: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, { high }) => sum + Number(high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  it('waits the outage out, however many attempts it takes, instead of dead-lettering the event', async () => {
    const topic = await freshTopics();
    const stream = `contact-${newId()}`;
    await publish(
      topic,
      [0, 1].map((revision) => toKafkaMessage(cloudEvent(stream, revision))),
    );
    const outage = outageFor(8); // four times the attempts the policy allows an event that fails
    const handled: number[] = [];
    const consumer = new EventConsumer({
      kafka,
      groupId: `group-${randomUUID()}`,
      topics: [topic],
      retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 50 },
      handle: async (batch) => {
        await outage.attempt();
        handled.push(...batch.map((e) => e.revision));
      },
    });
    await consumer.start();
    await eventually(() => handled.includes(1), 30000, 'both events after the outage');
    await consumer.stop();

    expect(outage.calls).toBeGreaterThan(8);
    expect(handled).toEqual([0, 1]);
    expect(await highWatermark(deadLetterTopicOf(topic))).toBe(0);
  });

  it('still dead-letters an event that fails by itself, after the policy’s attempts', async () => {
    const topic = await freshTopics();
    await publish(topic, [toKafkaMessage(cloudEvent(`contact-${newId()}`, 0))]);
    let attempts = 0;
    const consumer = new EventConsumer({
      kafka,
      groupId: `group-${randomUUID()}`,
      topics: [topic],
      retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
      handle: async () => {
        attempts++;
        throw new TypeError('cannot read the event');
      },
    });
    await consumer.start();
    const dead = await readTopic(kafka, deadLetterTopicOf(topic), 1);
    await consumer.stop();
    expect(header(dead[0], 'dlq_reason')).toContain('TypeError: cannot read the event');
    expect(attempts).toBe(3); // the batch once, then the policy's 2 attempts alone
  });

  it('gives the event up uncommitted when stopped during the outage: the next consumer of the group gets it', async () => {
    const topic = await freshTopics();
    const groupId = `group-${randomUUID()}`;
    await publish(topic, [toKafkaMessage(cloudEvent(`contact-${newId()}`, 0))]);
    const outage = outageFor(Number.MAX_SAFE_INTEGER);
    const first = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      retry: { attempts: 1, initialDelayMs: 10, maxDelayMs: 50 },
      handle: () => outage.attempt(),
    });
    await first.start();
    await eventually(() => outage.calls > 3, 30000, 'attempts during the outage');
    await first.stop();

    const handled: number[] = [];
    const next = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      handle: async (batch) => void handled.push(...batch.map((e) => e.revision)),
    });
    await next.start();
    await eventually(() => handled.length === 1, 30000, 'the event given up');
    await next.stop();
    expect(handled).toEqual([0]);
    expect(await highWatermark(deadLetterTopicOf(topic))).toBe(0);
  });
});
