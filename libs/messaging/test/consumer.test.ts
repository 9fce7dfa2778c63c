import { randomUUID } from 'node:crypto';
import { Controller, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { newId } from '@crm/eventsourcing';
import {
  EventConsumer,
  KafkaEventTransport,
  deadLetterTopicOf,
  ensureTopics,
  toKafkaMessage,
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
});

describe('KafkaEventTransport (@nestjs/microservices)', () => {
  const received: ConsumedEvent[] = [];

  @Controller()
  class TimelineListener {
    @EventPattern('crm.contacts.ContactRenamed')
    async onRenamed(@Payload() event: ConsumedEvent) {
      received.push(event);
    }
  }

  @Module({ controllers: [TimelineListener] })
  class ListenerModule {}

  it('routes events to @EventPattern handlers by CloudEvents type and ignores other types', async () => {
    const topic = await freshTopics();
    const stream = `contact-${newId()}`;
    await publish(topic, [
      toKafkaMessage(cloudEvent(stream, 0)),
      toKafkaMessage(cloudEvent(stream, 1, 'crm.contacts.SomethingElse')),
      toKafkaMessage(cloudEvent(stream, 2)),
    ]);
    const moduleRef = await Test.createTestingModule({ imports: [ListenerModule] }).compile();
    const app = moduleRef.createNestMicroservice({
      strategy: new KafkaEventTransport({ kafka, groupId: `group-${randomUUID()}`, topics: [topic] }),
    });
    await app.listen();
    await eventually(() => received.length === 2, 30000, 'two renamed events');
    await app.close();
    expect(received.map((e) => e.revision)).toEqual([0, 2]);
    expect(received[0]).toMatchObject({ type: 'crm.contacts.ContactRenamed', stream, topic });
  });
});
