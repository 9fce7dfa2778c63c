import { newId } from '@crm/eventsourcing';
import { deadLetterTopicOf } from '@crm/messaging';
import {
  PROJECTION_STATE_COLLECTION,
  ProjectionRunner,
  projectionMetrics,
  readModelHash,
  type ProjectionState,
  type StoredDocument,
} from '@crm/projections';
import {
  POISON,
  contactActivity,
  contactEvent,
  eventually,
  expectedActivity,
  freshTopic,
  header,
  projected,
  publish,
  readTopic,
  testDatabase,
  testDeps,
  testKafka,
  waitForGroupAtEnd,
} from './support';

const kafka = testKafka('projections-runner-test');
const fastRetry = { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 };

describe('ProjectionRunner', () => {
  let database: Awaited<ReturnType<typeof testDatabase>>;
  beforeEach(async () => {
    database = await testDatabase('projections');
  });
  afterEach(async () => {
    await database.close();
  });

  it('applies each event once: redelivered duplicates change nothing, a poison event is dead-lettered', async () => {
    const topic = await freshTopic(kafka);
    const projection = contactActivity();
    const contacts = [newId(), newId(), newId()];
    const events = contacts.flatMap((id) => [0, 1, 2, 3].map((revision) => contactEvent(id, revision)));
    await publish(kafka, topic, events);

    const runner = new ProjectionRunner(projection, testDeps(kafka, database.connection, topic), { retry: fastRetry });
    await runner.start();
    try {
      const collection = database.db.collection<StoredDocument>(projection.collection);
      await eventually(async () => (await collection.countDocuments({ events: 4 })) === 3, 60000, 'the first events');
      expect(await projected(collection)).toEqual(expectedActivity(events));
      const versionsBefore = await collection.find({}, { projection: { '_meta.version': 1 } }).toArray();

      // The same events again (a relay that republished after a crash), then a poison event and one after it.
      const poison = contactEvent(contacts[0], 4, POISON);
      const after = contactEvent(contacts[0], 5);
      await publish(kafka, topic, [...events, poison, after]);
      await waitForGroupAtEnd(kafka, runner.groupId!, topic);

      expect(await projected(collection)).toEqual(expectedActivity([...events, after]));
      const versionsAfter = await collection
        .find({ _id: { $ne: contacts[0] } }, { projection: { '_meta.version': 1 } })
        .toArray();
      expect(versionsAfter).toEqual(versionsBefore.filter((doc) => doc._id !== contacts[0])); // duplicates wrote nothing
      const applied = (await projectionMetrics.applied.get()).values.find((value) => value.labels.projection === projection.name);
      expect(applied?.value).toBe(events.length + 1);

      const [dead] = await readTopic(kafka, deadLetterTopicOf(topic), 1);
      expect(header(dead, 'ce_id')).toBe(poison.id);
      expect(header(dead, 'dlq_reason')).toContain(`cannot project ${poison.id}`);
      expect(await collection.indexExists('by_events')).toBe(true);
    } finally {
      await runner.stop();
    }
  });

  it('starts a new consumer group from offset 0 when its state document is gone with the database', async () => {
    const topic = await freshTopic(kafka);
    const projection = contactActivity();
    const events = [newId(), newId()].flatMap((id) => [0, 1, 2].map((revision) => contactEvent(id, revision)));
    await publish(kafka, topic, events);
    const deps = testDeps(kafka, database.connection, topic);
    const collection = database.db.collection<StoredDocument>(projection.collection);
    const states = database.db.collection<ProjectionState>(PROJECTION_STATE_COLLECTION);

    const first = new ProjectionRunner(projection, deps);
    await first.start();
    await waitForGroupAtEnd(kafka, first.groupId!, topic);
    const firstGroup = first.groupId;
    await first.stop();
    const hash = await readModelHash(collection);
    expect(await projected(collection)).toEqual(expectedActivity(events));

    // The in-memory server restarted while the service was down: read model and checkpoint are gone, Kafka offsets are not.
    await database.db.dropDatabase();
    const second = new ProjectionRunner(projection, deps, { statePollIntervalMs: 200 });
    await second.start();
    try {
      expect(second.groupId).not.toBe(firstGroup);
      expect(await states.findOne({ _id: projection.name })).toMatchObject({
        groupId: second.groupId,
        collection: projection.collection,
      });
      await eventually(async () => (await readModelHash(collection)) === hash, 60000, 'the read model rebuilt from offset 0');

      // And while running: the poller notices the missing state and starts over.
      const secondGroup = second.groupId;
      await database.db.dropDatabase();
      await eventually(() => second.groupId !== undefined && second.groupId !== secondGroup, 30000, 'a new group');
      await eventually(async () => (await readModelHash(collection)) === hash, 60000, 'the read model rebuilt again');
    } finally {
      await second.stop();
    }
  });
});
