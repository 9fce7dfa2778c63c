import { randomBytes, randomInt } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Connection } from 'mongoose';
import request from 'supertest';
import type { ContactsEvent } from '@crm/contracts';
import { newId } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { deadLetterTopicOf } from '@crm/messaging';
import { documentedAnswers, testToken } from '@crm/platform/nest/testing';
import { PROJECTION_STATE_COLLECTION, type ProjectionState } from '@crm/projections';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { eventually, header, readTopic } from '../../../libs/messaging/test/support';
import { waitForGroupAtEnd } from '../../../libs/projections/test/support';
import { createServiceTestApp, serviceTestConfig } from '@crm/service-kit/testing';
import { analyticsService } from '../src/analytics.service';
import { expectRebuiltUnchanged } from './rebuild';
import { ContactsSource } from '../../../test/support/contacts-source';
import { ensureTopicsOfServicesNotStarted } from '../../../test/support/source-topics';

/**
 * The analytics service against the real PostgreSQL, Kafka and MongoDB-wire servers, fed the way the contacts
 * service feeds it: sealed events in a PostgreSQL store, published by the relay onto a topic of this test's own.
 */
describe('analytics service', () => {
  const schema = uniqueSchema('analytics_test');
  const prefix = `test-${schema}`;
  const source = new ContactsSource(schema, `${prefix}.contacts`);
  const config = serviceTestConfig(analyticsService, {
    KAFKA_TOPIC_PREFIX: prefix,
    ANALYTICS_READ_DB: schema,
    SUBJECT_KEYS_SCHEMA: schema,
  });
  let app: NestExpressApplication;
  let readModels: Connection;

  const analyst = `Bearer ${testToken(['analyst'])}`;
  const get = (path: string, token = analyst) => request(app.getHttpServer()).get(path).set('Authorization', token);

  beforeAll(async () => {
    await source.start();
    await ensureTopicsOfServicesNotStarted(source.kafka, prefix, ['contacts']);
    app = await createServiceTestApp(analyticsService, config);
    readModels = app.get<Connection>(READ_MODELS);
  });
  afterAll(async () => {
    const db = readModels?.db;
    await app?.close();
    await source.stop();
    if (db) await db.dropDatabase().catch(() => undefined);
  });

  // Plaintext that must never be stored sealed-side, nor anywhere once Ada is erased.
  const tag = randomBytes(4).toString('hex');
  const ada = {
    id: newId(),
    family: `Lovelace${tag}`,
    email: `ada.${tag}@example.com`,
    phone: `+44207${randomInt(1000000, 9999999)}`,
    subject: `Renewal ${tag}`,
  };
  const twin = {
    id: newId(),
    family: `King${tag}`,
    email: `king.${tag}@example.com`,
    phone: `+44208${randomInt(1000000, 9999999)}`,
  };
  const companyId = newId();
  const mergeId = newId();
  const ownerId = newId();
  const ids: Record<string, string> = {};

  const contact = (contactId: string, events: ContactsEvent[]) => source.record(`contact-${contactId}`, events);
  async function interaction(key: string, contactId: string, channel: string, occurredAt: string, extra: object = {}) {
    const interactionId = newId();
    [ids[key]] = await source.record(`interaction-${interactionId}`, [
      {
        type: 'InteractionLogged',
        data: {
          interactionId,
          contactId,
          channel,
          direction: 'inbound',
          occurredAt,
          participants: [{ name: 'Charles Babbage', email: 'charles@example.com' }],
          at: new Date().toISOString(),
          ...extra,
        },
      } as ContactsEvent,
    ]);
  }
  const created = (contactId: string, family: string, email: string, phone: string, at: string): ContactsEvent => ({
    type: 'ContactCreated',
    data: {
      contactId,
      name: { given: 'Ada', family },
      emails: [{ address: email, primary: true }],
      phones: [{ number: phone, primary: true }],
      addresses: [{ lines: ['12 St James Square'], city: 'London', country: 'GB' }],
      jobTitle: 'Analyst',
      locale: 'en-GB',
      timezone: 'Europe/London',
      country: 'GB',
      lifecycleStage: 'lead',
      ownerId,
      tags: ['vip'],
      customFields: [],
      at,
    },
  });
  const consent = (status: 'granted' | 'withdrawn', at: string): ContactsEvent => ({
    type: 'ContactConsentChanged',
    data: { contactId: ada.id, channel: 'email', purpose: 'newsletter', status, source: 'web-form', at },
  });

  type Page = { customerId: string; mergedInto?: string; contactIds: string[]; items: Item[]; next?: string };
  type Item = {
    eventId: string;
    customerId: string;
    type: string;
    category: string;
    channel?: string;
    data: Record<string, unknown>;
  };
  /** Every answer below is held to the service's own OpenAPI document (a fuzzer meets no customer with history). */
  let errorsOf: ReturnType<typeof documentedAnswers> | undefined;
  const asDocumented = async <T>(path: string, body: T): Promise<T> => {
    errorsOf ??= documentedAnswers((await request(app.getHttpServer()).get('/openapi.json').expect(200)).body);
    expect(errorsOf('get', path, 200, body)).toEqual([]);
    return body;
  };
  const timeline = async (id: string, query: Record<string, string | string[]> = {}): Promise<Page> =>
    asDocumented('/v1/customers/{id}/timeline', (await get(`/v1/customers/${id}/timeline`).query(query).expect(200)).body);
  const profile = async (id: string) =>
    asDocumented('/v1/customers/{id}/profile', (await get(`/v1/customers/${id}/profile`).expect(200)).body);
  /** Until the timeline holds `count` entries (404 while nothing about the customer was projected yet). */
  const settled = (id: string, count: number) =>
    eventually(
      async () => {
        const response = await get(`/v1/customers/${id}/timeline`).query({ limit: '200' });
        return response.status === 200 && response.body.items.length === count;
      },
      30000,
      `${count} entries for ${id}`,
    );

  it("serves a customer's timeline newest first (occurredAt, then store position), personal data opened", async () => {
    await source.record(`company-${companyId}`, [
      {
        type: 'CompanyCreated',
        data: {
          companyId,
          name: 'Analytical Engines Ltd',
          domains: ['engines.example'],
          addresses: [],
          at: '2025-01-01T00:00:00.000Z',
        },
      },
    ]);
    [ids.created, ids.updated, ids.granted, ids.withdrawn, ids.linked] = await contact(ada.id, [
      created(ada.id, ada.family, ada.email, ada.phone, '2025-01-10T09:00:00.000Z'),
      {
        type: 'ContactUpdated',
        data: {
          contactId: ada.id,
          changes: { lifecycleStage: 'customer', jobTitle: 'Chief Analyst' },
          cleared: [],
          at: '2025-01-20T00:00:00.000Z',
        },
      },
      consent('granted', '2025-02-01T00:00:00.000Z'),
      consent('withdrawn', '2025-01-25T00:00:00.000Z'), // given earlier, recorded later: not the current state
      { type: 'ContactLinkedToCompany', data: { contactId: ada.id, companyId, role: 'CTO', at: '2025-02-05T00:00:00.000Z' } },
    ]);
    await interaction('email', ada.id, 'email', '2025-03-01T10:00:00.000Z', {
      subject: ada.subject,
      body: `Quote for ${ada.family}`,
    });
    await interaction('call', ada.id, 'phone-call', '2025-03-05T10:00:00Z');
    await interaction('meeting', ada.id, 'meeting', '2025-03-05T10:00:00.000Z'); // same time as the call, recorded after it
    await interaction('note', ada.id, 'note', '2024-12-01T00:00:00.000Z'); // imported history: before the contact existed

    await settled(ada.id, 9);
    const page = await timeline(ada.id);
    expect(page).toMatchObject({ customerId: ada.id, contactIds: [ada.id] });
    expect(page.items.map((item) => item.eventId)).toEqual(
      ['meeting', 'call', 'email', 'linked', 'granted', 'withdrawn', 'updated', 'created', 'note'].map((key) => ids[key]),
    );
    const [meeting, , email] = page.items;
    expect(meeting).toMatchObject({
      type: 'InteractionLogged',
      category: 'interaction',
      channel: 'meeting',
      actor: 'user-ada-admin',
    });
    expect(meeting).toMatchObject({ occurredAt: '2025-03-05T10:00:00.000Z', source: 'contacts' });
    expect(email.data).toMatchObject({ subject: ada.subject, participants: [{ name: 'Charles Babbage' }] });
    expect(page.items.find((item) => item.type === 'ContactCreated')?.data).toMatchObject({
      name: { family: ada.family },
      emails: [{ address: ada.email }],
    });
    expect(page.items.find((item) => item.type === 'ContactLinkedToCompany')).toMatchObject({ category: 'company' });
    expect(page.items.find((item) => item.type === 'ContactConsentChanged')).not.toHaveProperty('channel');
  });

  it('filters by type (one or several), channel, category and time, and pages with a cursor', async () => {
    const types = async (query: Record<string, string | string[]>) =>
      (await timeline(ada.id, query)).items.map((item) => item.eventId);
    expect(await types({ type: 'InteractionLogged' })).toEqual([ids.meeting, ids.call, ids.email, ids.note]);
    expect(await types({ type: ['ContactCreated', 'ContactUpdated'] })).toEqual([ids.updated, ids.created]);
    expect(await types({ type: 'ContactCreated,ContactUpdated' })).toEqual([ids.updated, ids.created]);
    expect(await types({ channel: 'email' })).toEqual([ids.email]);
    expect(await types({ category: 'consent' })).toEqual([ids.granted, ids.withdrawn]);
    expect(await types({ from: '2025-02-01T00:00:00Z', to: '2025-03-05T11:00:00+01:00' })).toEqual([
      ids.email,
      ids.linked,
      ids.granted,
    ]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await timeline(ada.id, { limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.eventId));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual((await timeline(ada.id)).items.map((item) => item.eventId));
    // The last page has no `next`, and a filter holds across pages.
    const first = await timeline(ada.id, { limit: '1', type: 'InteractionLogged' });
    expect(
      (await timeline(ada.id, { limit: '10', type: 'InteractionLogged', cursor: first.next! })).items.map((i) => i.eventId),
    ).toEqual([ids.call, ids.email, ids.note]);
  });

  it('stores the timeline with its personal data sealed, as it arrived', async () => {
    const stored = JSON.stringify(await readModels.db!.collection('timeline').find({ customerId: ada.id }).toArray());
    expect(stored).toContain('pii:v1:');
    for (const secret of [ada.family, ada.email, ada.phone, ada.subject]) expect(stored).not.toContain(secret);
  });

  it('serves the profile: identity, stage, tags, owner, companies by name, current consents, activity', async () => {
    await eventually(async () => (await get(`/v1/customers/${ada.id}/profile`)).body.interactions?.total === 4, 30000, 'profile');
    const body = await profile(ada.id);
    expect(body).toEqual({
      customerId: ada.id,
      contactIds: [ada.id],
      status: 'active',
      displayName: `Ada ${ada.family}`,
      name: { given: 'Ada', family: ada.family },
      email: ada.email,
      phone: ada.phone,
      country: 'GB',
      locale: 'en-GB',
      timezone: 'Europe/London',
      jobTitle: 'Chief Analyst',
      lifecycleStage: 'customer',
      tags: ['vip'],
      ownerId,
      companies: [
        { companyId, role: 'CTO', linkedAt: '2025-02-05T00:00:00.000Z', name: 'Analytical Engines Ltd', companyStatus: 'active' },
      ],
      consents: [
        { channel: 'email', purpose: 'newsletter', status: 'granted', source: 'web-form', at: '2025-02-01T00:00:00.000Z' },
      ],
      interactions: {
        total: 4,
        byChannel: {
          email: { count: 1, lastAt: '2025-03-01T10:00:00.000Z' },
          'phone-call': { count: 1, lastAt: '2025-03-05T10:00:00.000Z' },
          meeting: { count: 1, lastAt: '2025-03-05T10:00:00.000Z' },
          note: { count: 1, lastAt: '2024-12-01T00:00:00.000Z' },
        },
      },
      firstSeenAt: '2024-12-01T00:00:00.000Z',
      lastSeenAt: '2025-03-05T10:00:00.000Z',
      createdAt: '2025-01-10T09:00:00.000Z',
      // No order nor deal yet: sales-facts.test.ts feeds them.
      sales: { lifetimeValue: [], products: [], openDeals: [] },
    });
  });

  it('shows a contact known by e-mail or phone only by it, on its profile and timeline (issue 16)', async () => {
    const byEmail = { id: newId(), email: `mail.only.${tag}@example.com` };
    const byPhone = { id: newId(), phone: `+1202555${randomInt(1000, 9999)}` };
    const nameless = (contactId: string, emails: object[], phones: object[]): ContactsEvent =>
      ({
        type: 'ContactCreated',
        data: {
          contactId,
          emails,
          phones,
          addresses: [],
          lifecycleStage: 'lead',
          sourceCreatedAt: '2019-04-02T13:45:00.000Z',
          tags: [],
          customFields: [],
          at: '2025-04-01T00:00:00.000Z',
        },
      }) as ContactsEvent;
    await contact(byEmail.id, [nameless(byEmail.id, [{ address: byEmail.email, primary: true }], [])]);
    await contact(byPhone.id, [nameless(byPhone.id, [], [{ number: byPhone.phone, extension: '43023', primary: true }])]);
    await settled(byEmail.id, 1);
    await settled(byPhone.id, 1);

    const mailProfile = await profile(byEmail.id);
    expect(mailProfile).toMatchObject({ displayName: byEmail.email, sourceCreatedAt: '2019-04-02T13:45:00.000Z' });
    expect(mailProfile).not.toHaveProperty('name');
    expect(await profile(byPhone.id)).toMatchObject({
      displayName: `${byPhone.phone} ext. 43023`,
      phone: byPhone.phone,
      phoneExtension: '43023',
    });
    const [entry] = (await timeline(byPhone.id)).items as (Item & { title: string })[];
    expect(entry).toMatchObject({ type: 'ContactCreated', category: 'profile', title: 'Contact created' });
    expect(entry.data).not.toHaveProperty('name');
    expect(entry.data.phones).toEqual([{ number: byPhone.phone, extension: '43023', primary: true }]);
  });

  it('dead-letters an event that breaks its contract (seen only once opened) instead of showing it', async () => {
    // On the twin, who is never erased: once a person is erased, a breach hidden in their personal data cannot be seen.
    const interactionId = newId();
    ids.bad = await source.recordUnchecked(`interaction-${interactionId}`, 'InteractionLogged', {
      interactionId,
      contactId: twin.id,
      channel: 'email',
      direction: 'inbound',
      occurredAt: '2025-03-10T00:00:00.000Z',
      participants: [],
      subject: '', // personal data, sealed: only an opened copy shows that it breaks minLength 1
      at: new Date().toISOString(),
    });
    const dead = await readTopic(source.kafka, deadLetterTopicOf(source.topic), 2, 60000);
    const groups = dead
      .filter((message) => header(message, 'ce_id') === ids.bad)
      .map((message) => header(message, 'dlq_consumer_group'));
    expect(groups.sort()).toEqual([
      expect.stringMatching(/^projection\.customer-profile\./),
      expect.stringMatching(/^projection\.timeline\./),
    ]);
    expect(dead.map((message) => header(message, 'dlq_reason')).join()).toContain('/subject');
    // Nothing else about the twin has arrived: no customer to show.
    await get(`/v1/customers/${twin.id}/timeline`).expect(404);
  });

  it('shows both histories on the survivor after a merge, answers the merged id with the survivor, and splits them on undo', async () => {
    [ids.twinCreated] = await contact(twin.id, [
      created(twin.id, twin.family, twin.email, twin.phone, '2025-02-10T00:00:00.000Z'),
    ]);
    await interaction('twinCall', twin.id, 'phone-call', '2025-04-01T00:00:00.000Z');
    await interaction('twinEmail', twin.id, 'email', '2025-04-02T00:00:00.000Z');
    await settled(twin.id, 3);
    expect((await timeline(twin.id)).items.map((item) => item.eventId)).not.toContain(ids.bad);

    [ids.merged] = await contact(ada.id, [
      {
        type: 'ContactsMerged',
        data: {
          contactId: ada.id,
          mergeId,
          mergedContactIds: [twin.id],
          changes: {
            phones: [
              { number: ada.phone, primary: true },
              { number: twin.phone, primary: false },
            ],
          },
          consents: [
            { channel: 'sms', purpose: 'marketing', status: 'granted', source: 'import', at: '2025-02-11T00:00:00.000Z' },
          ],
          companyLinks: [],
          at: '2025-05-01T00:00:00.000Z',
        },
      },
    ]);
    [ids.mergedInto] = await contact(twin.id, [
      { type: 'ContactMergedInto', data: { contactId: twin.id, survivorId: ada.id, mergeId, at: '2025-05-01T00:00:00.000Z' } },
    ]);
    await settled(ada.id, 14);
    const merged = await timeline(ada.id, { limit: '4' });
    expect(merged).toMatchObject({ customerId: ada.id, contactIds: [ada.id, twin.id] });
    expect(merged.items.map((item) => [item.customerId, item.type])).toEqual([
      [twin.id, 'ContactMergedInto'], // same time as ContactsMerged, recorded after it
      [ada.id, 'ContactsMerged'],
      [twin.id, 'InteractionLogged'],
      [twin.id, 'InteractionLogged'],
    ]);
    // Each contact's personal data opens with its own key.
    const twinCreated = (await timeline(ada.id, { type: 'ContactCreated' })).items.find((item) => item.customerId === twin.id);
    expect(twinCreated?.data.name).toEqual({ given: 'Ada', family: twin.family });

    const asTwin = await timeline(twin.id, { limit: '200' });
    expect(asTwin).toMatchObject({ customerId: ada.id, mergedInto: ada.id, contactIds: [ada.id, twin.id] });
    expect(asTwin.items).toHaveLength(14);

    await eventually(
      async () => (await get(`/v1/customers/${ada.id}/profile`)).body.interactions?.total === 6,
      30000,
      'merged profile',
    );
    const survivor = await profile(ada.id);
    expect(survivor).toMatchObject({
      contactIds: [ada.id, twin.id],
      status: 'active',
      phone: ada.phone,
      interactions: {
        total: 6,
        byChannel: { email: { count: 2, lastAt: '2025-04-02T00:00:00.000Z' }, 'phone-call': { count: 2 } },
      },
      firstSeenAt: '2024-12-01T00:00:00.000Z',
      lastSeenAt: '2025-05-01T00:00:00.000Z',
    });
    expect(survivor.consents).toEqual([
      expect.objectContaining({ channel: 'email' }),
      expect.objectContaining({ channel: 'sms', status: 'granted' }),
    ]);
    const viaTwin = await profile(twin.id);
    expect(viaTwin).toMatchObject({ customerId: ada.id, mergedInto: ada.id, email: ada.email, interactions: { total: 6 } });

    await contact(ada.id, [
      {
        type: 'ContactMergeUndone',
        data: {
          contactId: ada.id,
          mergeId,
          restoredContactIds: [twin.id],
          changes: { phones: [{ number: ada.phone, primary: true }] },
          cleared: [],
          consents: [],
          removedConsents: [{ channel: 'sms', purpose: 'marketing' }],
          removedCompanyIds: [],
          at: '2025-05-02T00:00:00.000Z',
        },
      },
    ]);
    await contact(twin.id, [
      { type: 'ContactUnmerged', data: { contactId: twin.id, survivorId: ada.id, mergeId, at: '2025-05-02T00:00:00.000Z' } },
    ]);
    await settled(ada.id, 11);
    const split = await timeline(ada.id, { limit: '200' });
    expect(split.contactIds).toEqual([ada.id]);
    expect(split.items.every((item) => item.customerId === ada.id)).toBe(true);
    await settled(twin.id, 5);
    expect(await timeline(twin.id)).toMatchObject({ customerId: twin.id, contactIds: [twin.id] });
    expect(await timeline(twin.id)).not.toHaveProperty('mergedInto');

    await eventually(
      async () => (await get(`/v1/customers/${ada.id}/profile`)).body.interactions?.total === 4,
      30000,
      'split profile',
    );
    const restored = await profile(ada.id);
    expect(restored.consents).toEqual([expect.objectContaining({ channel: 'email', status: 'granted' })]);
    const twinAgain = await profile(twin.id);
    expect(twinAgain).toMatchObject({ customerId: twin.id, contactIds: [twin.id], status: 'active', email: twin.email });
    expect(twinAgain.interactions).toEqual({
      total: 2,
      byChannel: {
        'phone-call': { count: 1, lastAt: '2025-04-01T00:00:00.000Z' },
        email: { count: 1, lastAt: '2025-04-02T00:00:00.000Z' },
      },
    });
  });

  it('forgets an erased customer: no plaintext anywhere in its database, timeline values null, profile a tombstone', async () => {
    await source.erase(ada.id, [mergeId]);
    await eventually(
      async () => (await get(`/v1/customers/${ada.id}/profile`)).body.status === 'erased',
      30000,
      'erased profile',
    );
    expect(await profile(ada.id)).toEqual({
      customerId: ada.id,
      contactIds: [ada.id],
      status: 'erased',
      erasedAt: expect.any(String),
    });
    await settled(ada.id, 12);

    const page = await timeline(ada.id, { limit: '200' });
    expect(page.items[0]).toMatchObject({ type: 'ContactErased', category: 'privacy' });
    expect(page.items.find((item) => item.type === 'ContactCreated')?.data).toMatchObject({
      name: null,
      emails: null,
      phones: null,
    });
    expect(page.items.find((item) => item.eventId === ids.email)?.data).toMatchObject({
      subject: null,
      body: null,
      participants: null,
    });
    // The merge's values (the twin's phone among them) were sealed with the merge's key, erased with Ada.
    expect(page.items.find((item) => item.type === 'ContactsMerged')?.data).toMatchObject({ changes: { phones: null } });
    // Not personal data, still there: what happened, when, on which channel.
    expect(page.items.find((item) => item.eventId === ids.email)).toMatchObject({
      channel: 'email',
      occurredAt: '2025-03-01T10:00:00.000Z',
    });

    const everything = await dumpDatabase(readModels);
    for (const secret of [ada.family, ada.email, ada.phone, ada.subject]) expect(everything).not.toContain(secret);
    expect(everything).toContain(twin.family); // the twin was not erased: its profile keeps its name
  });

  it('rebuilds the timeline and the profile from offset 0 to the same content (npm run projections:rebuild)', async () => {
    const states = readModels.db!.collection<ProjectionState>(PROJECTION_STATE_COLLECTION);
    for (const [projection, collection] of [
      ['timeline', 'timeline'],
      ['customer-profile', 'customer_profiles'],
    ]) {
      await waitForGroupAtEnd(source.kafka, (await states.findOne({ _id: projection }))!.groupId, source.topic);
      await expectRebuiltUnchanged(readModels, config, projection, collection);
    }
    // The live runners follow the rebuilt read models.
    await contact(twin.id, [{ type: 'ContactArchived', data: { contactId: twin.id, at: '2025-06-01T00:00:00.000Z' } }]);
    await eventually(
      async () => (await get(`/v1/customers/${twin.id}/profile`)).body.status === 'archived',
      30000,
      'archived after rebuild',
    );
    await settled(twin.id, 6);
  });

  it('requires a token (401) and a reading role (403), on every route', async () => {
    for (const path of [`/v1/customers/${ada.id}/timeline`, `/v1/customers/${ada.id}/profile`]) {
      const missing = await request(app.getHttpServer()).get(path).expect(401);
      expect(missing.headers['content-type']).toContain('application/problem+json');
      await get(path, `Bearer ${testToken(['service'])}`).expect(403);
      for (const role of ['admin', 'analyst', 'sales', 'support', 'marketing'] as const)
        await get(path, `Bearer ${testToken([role])}`).expect(200);
    }
  });

  it('answers 404 for an unknown customer and 400 for a malformed id', async () => {
    const unknown = newId();
    for (const path of [`/v1/customers/${unknown}/timeline`, `/v1/customers/${unknown}/profile`]) {
      const { body } = await get(path).expect(404);
      expect(body).toMatchObject({ status: 404, type: 'https://crm.example/problems/customer-not-found' });
    }
    await get('/v1/customers/not-a-uuid/timeline').expect(400);
  });

  it.each([
    ['an unknown parameter', { sort: 'occurredAt' }, 'sort'],
    ['an unknown event type', { type: 'ContactTeleported' }, 'type'],
    ['an unknown channel', { channel: 'pigeon' }, 'channel'],
    ['a time without an offset', { from: '2025-01-01T00:00:00' }, 'from'],
    ['a date that does not exist', { to: '2025-02-30T00:00:00Z' }, 'to'],
    ['a range that ends before it starts', { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, 'to'],
    ['a limit out of range', { limit: '500' }, 'limit'],
    ['a forged cursor', { cursor: Buffer.from('{"$gt":""}').toString('base64url') }, 'cursor'],
    ['an operator', 'type[$ne]=x', 'type'],
  ])('refuses %s in the query with a 400 problem naming it', async (_, query, field) => {
    const response = await get(`/v1/customers/${ada.id}/timeline`).query(query).expect(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(response.body)).toContain(field);
  });
});

/** Every document of every collection of the read-model database, as text. */
async function dumpDatabase(connection: Connection): Promise<string> {
  const db = connection.db!;
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  const dumps = await Promise.all(
    collections.map(async ({ name }) => JSON.stringify(await db.collection(name).find({}).toArray())),
  );
  return dumps.join('\n');
}
