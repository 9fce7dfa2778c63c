import { createKafka, deadLetterTopicOf, parseBrokers } from '@crm/messaging';
import { expectDependencyUnavailable, OutageRun } from './outage';

/**
 * MongoDB (every read model: the contact list, the timeline, the profiles, the projections' state) goes away under
 * running contacts and analytics services and comes back. Writes need no read model and go on; reads get 503
 * `dependency-unavailable`; the projections wait the outage out instead of dead-lettering what arrives meanwhile,
 * and catch up once it is back.
 */
const OUTAGE_MS = 35_000;

describe('Given contacts and analytics whose MongoDB goes away and comes back', () => {
  const run = new OutageRun('outage_mongo');
  beforeAll(() => run.start('MONGODB_URI'), 180000);
  afterAll(() => run.stop(), 60000);

  const deadLetters = async () => {
    const admin = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: 'outage-dlq' }).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(deadLetterTopicOf(run.pair.topic)).catch(() => []);
      return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
    } finally {
      await admin.disconnect();
    }
  };

  it('then writes go on, reads get 503, nothing exits or is dead-lettered, and the read models catch up once', async () => {
    const before = await run.create('ada');
    await run.eventually('the first contact in the timeline', async () => (await run.timelineOf(before)).length === 1);
    await run.eventually('the first contact in the list', async () => (await run.listed()).length === 1);

    await run.proxy.cut();
    const cutAt = Date.now();
    const during = await run.create('bob'); // the event store is PostgreSQL: a create needs no read model
    expectDependencyUnavailable(await run.contacts.request('GET', `/v1/contacts?q=outage${run.pair.run}`));
    expectDependencyUnavailable(await run.analytics.request('GET', `/v1/customers/${before}/timeline`));
    expect((await fetch(`${run.pair.contacts.url}/health/ready`)).status).toBe(503);
    // Longer than a consumer's retries of an event that fails by itself (5 attempts, each waiting 5 s for a server):
    // only treating the outage as one keeps the event from the dead-letter topic.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))));
    expect(run.exited()).toEqual([]);

    await run.proxy.open();
    await run.eventually(
      'the contact created during the outage in the timeline',
      async () => (await run.timelineOf(during)).length === 1,
    );
    await run.eventually('both in the contact list', async () => (await run.listed()).length === 2);
    expect(await run.listed()).toEqual([before, during].sort());
    expect(await run.timelineOf(before)).toHaveLength(1);
    expect(await deadLetters()).toBe(0);
    // Nor were the consumers dropped from their groups for missing heartbeats while they waited.
    expect(run.pair.started.filter((service) => service.output(300).includes('not aware of this member'))).toEqual([]);
    expect(run.exited()).toEqual([]);
  }, 180000);
});
