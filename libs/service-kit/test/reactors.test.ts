import { Injectable, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ContactCreated, ContactErased, ContactRenamed, type ContactsEvent } from '@crm/contracts';
import { newId } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { deadLetterTopicOf } from '@crm/messaging';
import { currentCorrelation } from '@crm/platform';
import { defineService, OnEvent, type ReceivedEvent } from '@crm/service-kit';
import { createServiceTestApp, serviceTestConfig } from '@crm/service-kit/testing';
import { ContactsSource } from '../../../test/support/contacts-source';
import { eventually, header, readTopic } from '../../messaging/test/support';

/** What the reactor saw, in order: event type, the given name as it opened, and the correlation it ran in. */
const seen: { type: string; given?: string | null; id: string; actor?: string; causationId?: string }[] = [];

/** Reacts to contacts events: greets new contacts (throws for one named Poison), and forgets erased ones. */
@Injectable()
class Greeter {
  @OnEvent(ContactCreated)
  async greet(event: ReceivedEvent<typeof ContactCreated>): Promise<void> {
    // Erased before this ran (a late or replayed event): the name opens as null, and there is nobody to greet.
    if (event.personalDataErased) return;
    if (event.data.name?.given === 'Poison') throw new Error('cannot greet Poison');
    const { actor, causationId } = currentCorrelation() ?? {};
    seen.push({ type: event.type, given: event.data.name?.given, id: event.id, actor, causationId });
  }

  @OnEvent(ContactErased)
  async forget(event: ReceivedEvent<typeof ContactErased>): Promise<void> {
    seen.push({ type: event.type, id: event.id });
  }
}

@Module({ providers: [Greeter] })
class GreeterApplication {}

const greeterService = defineService({
  name: 'greeter',
  title: 'Greeter (a test service)',
  access: { read: ['sales'], write: ['sales'] },
  application: GreeterApplication,
});

const created = (contactId: string, given: string): ContactsEvent => ({
  type: 'ContactCreated',
  data: {
    ...ContactCreated.example,
    contactId,
    name: { given, family: 'Test' },
    emails: [],
    phones: [],
    at: new Date().toISOString(),
  },
});

/**
 * A reactor declared with @OnEvent on the project's consumer: typed, opened events of other services; commit after the
 * handler; retries, then the dead-letter topic; an event it already handled (same stream revision) is not handled again.
 */
describe('reactors (@OnEvent)', () => {
  const schema = uniqueSchema('reactors');
  const prefix = `test-${schema}`;
  const source = new ContactsSource(schema, `${prefix}.contacts`);
  const config = serviceTestConfig(greeterService, {
    KAFKA_TOPIC_PREFIX: prefix,
    GREETER_DB_SCHEMA: schema,
    SUBJECT_KEYS_SCHEMA: schema,
  });
  let app: NestExpressApplication | undefined;
  const start = async () => (app = await createServiceTestApp(greeterService, config));

  beforeAll(async () => {
    await source.start();
    await start();
  });
  afterAll(async () => {
    await app?.close();
    await source.stop();
  });

  it('hands each declared event to its handler once, typed and opened, in its correlation, and passes over the others', async () => {
    const ada = newId();
    await source.record(`contact-${ada}`, [
      created(ada, 'Ada'),
      { type: 'ContactRenamed', data: { ...ContactRenamed.example, contactId: ada, at: new Date().toISOString() } },
    ]);
    await eventually(() => seen.some((event) => event.given === 'Ada'), 30000, 'the create handled');
    await source.erase(ada);
    await eventually(() => seen.some((event) => event.type === 'ContactErased'), 30000, 'the erasure handled');
    expect(seen.map(({ type, given }) => [type, given])).toEqual([
      ['ContactCreated', 'Ada'],
      ['ContactErased', undefined],
    ]);
    expect(seen[0]).toMatchObject({ actor: 'greeter', causationId: seen[0].id });
  });

  it('retries a failing event, then dead-letters it, and goes on with the next', async () => {
    const [poison, grace] = [newId(), newId()];
    await source.record(`contact-${poison}`, [created(poison, 'Poison')]);
    await source.record(`contact-${grace}`, [created(grace, 'Grace')]);
    await eventually(() => seen.some((event) => event.given === 'Grace'), 60000, 'the event after the poison');
    const [dead] = await readTopic(source.kafka, deadLetterTopicOf(source.topic), 1, 30000);
    expect(header(dead, 'dlq_reason')).toContain('cannot greet Poison');
    expect(header(dead, 'dlq_consumer_group')).toBe(`${prefix}.reactor.greeter.Greeter`);
  });

  it('skips what it handled before when Kafka delivers it again (a restart from an earlier offset)', async () => {
    const handledBefore = seen.length;
    await app!.close();
    app = undefined;
    // Its group forgets its offsets: everything on the topic comes again.
    const admin = source.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([`${prefix}.reactor.greeter.Greeter`]);
    await admin.disconnect();
    await start();
    const later = newId();
    await source.record(`contact-${later}`, [created(later, 'Later')]);
    await eventually(() => seen.some((event) => event.given === 'Later'), 60000, 'the new event');
    expect(seen.slice(handledBefore).map(({ given }) => given)).toEqual(['Later']);
  });
});
