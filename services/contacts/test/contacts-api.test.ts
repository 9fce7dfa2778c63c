import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { EventStore } from '@crm/eventsourcing';
import { EVENT_STORE } from '@crm/eventsourcing/nest/event-store.module';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { PLATFORM_LOGGER } from '@crm/platform/nest';
import { answerHeaderLines, testToken } from '@crm/platform/nest/testing';
import { Pool } from 'pg';
import type { Connection } from 'mongoose';
import type { Kafka } from 'kafkajs';
import { createKafka, parseBrokers } from '@crm/messaging';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { companyListQuery } from '../src/application/read-models/company-list';
import { contactInteractionsQuery } from '../src/application/read-models/contact-interactions';
import { contactListQuery } from '../src/application/read-models/contact-list';
import { contactsTestConfig, createContactsTestApp } from './support';

/** The contacts service against the real PostgreSQL, Kafka and MongoDB-wire servers. */
describe('contacts API', () => {
  let app: NestExpressApplication;
  const sales = `Bearer ${testToken(['sales'])}`;
  const analyst = `Bearer ${testToken(['analyst'])}`;

  const schema = uniqueSchema('contacts_test');
  const topic = `test-${schema}.contacts`;
  beforeAll(async () => {
    const config = contactsTestConfig(schema);
    app = await createContactsTestApp(config);
  });
  afterAll(async () => {
    await app?.close();
  });

  const admin = `Bearer ${testToken(['admin'])}`;
  const listByEmail = async (email: string) =>
    (await request(app.getHttpServer()).get('/v1/contacts').query({ email }).set('Authorization', analyst)).body as {
      items: { contactId: string }[];
    };

  it('keeps personal data sealed in the store and on Kafka, and erases it for good (crypto-shredding)', async () => {
    const secret = { given: 'Hedwig', family: `Kiesler${Date.now()}` };
    const email = `hedy.${Date.now()}@example.com`;
    const { body } = await create({
      name: secret,
      emails: [{ address: email }],
      phones: [{ number: '+41 44 668 18 00', extension: '98765' }],
    }).expect(201);
    const { contactId } = body;
    await eventually(async () => (await listByEmail(email)).items.length === 1, 'listed with its opened e-mail');

    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS!), clientId: 'erase-test' });
    try {
      const storedRows = async () =>
        (
          await pool.query(`SELECT data::text AS data FROM "${schema}".events WHERE stream_name = $1`, [`contact-${contactId}`])
        ).rows
          .map((row) => row.data as string)
          .join('\n');
      expect(await storedRows()).toContain('pii:v1:');
      expect(await storedRows()).not.toContain(secret.family);
      expect(await storedRows()).not.toContain(email);
      expect(await storedRows()).not.toContain('98765');
      const onKafka = async () => (await readAll(kafka, topic)).join('\n');
      expect(await onKafka()).not.toContain(secret.family);
      expect(await onKafka()).not.toContain(email);

      await request(app.getHttpServer()).post(`/v1/contacts/${contactId}/erase`).set('Authorization', sales).expect(403);
      await request(app.getHttpServer()).post(`/v1/contacts/${contactId}/erase`).set('Authorization', admin).expect(204);
      await request(app.getHttpServer()).post(`/v1/contacts/${contactId}/erase`).set('Authorization', admin).expect(204);

      const gone = await request(app.getHttpServer()).get(`/v1/contacts/${contactId}`).set('Authorization', analyst).expect(410);
      expect(gone.body.type).toMatch(/contact-erased$/);
      expect(JSON.stringify(gone.body)).not.toContain(secret.family);
      await request(app.getHttpServer())
        .patch(`/v1/contacts/${contactId}`)
        .set('Authorization', sales)
        .send({ name: { given: 'X', family: 'Y' } })
        .expect(410);
      await eventually(async () => (await listByEmail(email)).items.length === 0, 'gone from the list');

      // Nothing anywhere reveals them: the store's rows hold ciphertext whose key is gone, Kafka the same, the read model nothing.
      const keyRows = await pool.query(`SELECT wrapped_key FROM "${schema}".subject_keys WHERE subject_id = $1`, [contactId]);
      expect(keyRows.rows).toEqual([{ wrapped_key: null }]);
      expect(await storedRows()).not.toContain(secret.family);
      expect(await onKafka()).not.toContain(email);
      const readModel = app.get<Connection>(READ_MODELS);
      const documents = await readModel.db!.collection('contact_list').find({}).toArray();
      expect(JSON.stringify(documents)).not.toContain(secret.family);
      expect(JSON.stringify(documents)).not.toContain(email);
    } finally {
      await pool.end();
    }
  });

  const create = (body: object, token = sales) =>
    request(app.getHttpServer()).post('/v1/contacts').set('Authorization', token).send(body);

  it('creates a contact, returns it with its ETag, and lists it once projected', async () => {
    const created = await create({ name: { given: 'Ada', family: 'Lovelace' }, emails: [{ address: 'Ada@Example.com' }] }).expect(
      201,
    );
    const { contactId } = created.body;
    expect(created.headers.location).toBe(`/v1/contacts/${contactId}`);
    expect(created.headers.etag).toBe('"0"');
    expect(created.body).toMatchObject({
      name: { given: 'Ada', family: 'Lovelace' },
      emails: [{ address: 'ada@example.com', primary: true }],
      lifecycleStage: 'lead',
      status: 'active',
      revision: 0,
    });

    const read = await request(app.getHttpServer()).get(`/v1/contacts/${contactId}`).set('Authorization', analyst).expect(200);
    expect(read.body).toEqual(created.body);

    const deadline = Date.now() + 30000;
    let listed: { items: { contactId: string }[] } = { items: [] };
    while (Date.now() < deadline && !listed.items.some((item) => item.contactId === contactId)) {
      listed = (
        await request(app.getHttpServer()).get('/v1/contacts').query({ email: 'ADA@example.com' }).set('Authorization', analyst)
      ).body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listed.items).toEqual([
      expect.objectContaining({ contactId, givenName: 'Ada', familyName: 'Lovelace', email: 'ada@example.com' }),
    ]);
  });

  it('creates a contact known by an e-mail address or a phone number only, shown by it in the list', async () => {
    const email = `nameless.${Date.now()}@example.com`;
    const created = await create({
      emails: [{ address: email }],
      phones: [{ number: '+1 202-555-0123 ext. 43023' }, { number: '+41 44 668 18 00', extension: '12' }],
      addresses: [{ city: 'Zürich' }],
      country: 'CH',
      sourceCreatedAt: '2019-04-02 13:45',
    }).expect(201);
    expect(created.body).not.toHaveProperty('name');
    expect(created.body).toMatchObject({
      phones: [
        { number: '+12025550123', extension: '43023', primary: true },
        { number: '+41446681800', extension: '12', primary: false },
      ],
      addresses: [{ lines: [], city: 'Zürich', country: 'CH' }],
      sourceCreatedAt: '2019-04-02T13:45:00.000Z',
    });
    const read = await request(server()).get(`/v1/contacts/${created.body.contactId}`).set('Authorization', analyst).expect(200);
    expect(read.body).toEqual(created.body);
    await eventually(async () => (await listByEmail(email)).items.length === 1, 'listed');
    expect((await listByEmail(email)).items).toEqual([
      expect.objectContaining({
        displayName: email,
        givenName: '',
        familyName: '',
        phoneTexts: ['+12025550123 ext. 43023', '+41446681800 ext. 12'],
        sourceCreatedAt: '2019-04-02T13:45:00.000Z',
      }),
    ]);

    const phoneOnly = await create({ phones: [{ number: '+44 20 7123 4567' }] }).expect(201);
    expect(phoneOnly.body.phones).toEqual([{ number: '+442071234567', primary: true }]);
    const familyOnly = await create({ name: { given: '', family: 'Lovelace' } }).expect(201);
    expect(familyOnly.body.name).toEqual({ given: '', family: 'Lovelace' });
  });

  it('refuses a contact with no name, e-mail address or phone number, and an update that would leave one so', async () => {
    const none = await create({ jobTitle: 'Analyst', name: { given: ' ', family: '' } }).expect(400);
    expect(none.body.errors).toEqual([
      expect.objectContaining({ field: 'name', messages: [expect.stringContaining('must have a given or a family name')] }),
    ]);
    // Each value is fine, the contact as a whole is not: 422, as for a merge the contacts do not permit.
    const nothing = await create({ jobTitle: 'Analyst' }).expect(422);
    expect(nothing.headers['content-type']).toContain('application/problem+json');
    expect(nothing.body.type).toBe('https://crm.example/problems/contact-without-identity');
    expect(nothing.body.errors).toEqual([
      {
        field: 'name',
        in: 'body',
        messages: [
          'is needed when the contact has no e-mail address (emails) and no phone number (phones): give one of the three',
        ],
      },
    ]);
    const future = await create({ emails: [{ address: 'f@example.com' }], sourceCreatedAt: '2999-01-01' }).expect(400);
    expect(future.body.errors).toEqual([expect.objectContaining({ field: 'sourceCreatedAt' })]);

    const { body } = await create({ name: { given: 'Ada', family: 'Lovelace' } }).expect(201);
    const path = `/v1/contacts/${body.contactId}`;
    const refused = await request(server())
      .patch(path)
      .set('Authorization', sales)
      .send({ clear: ['name'] })
      .expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
    const cleared = await request(server())
      .patch(path)
      .set('Authorization', sales)
      .send({ emails: [{ address: 'ada@example.com' }], clear: ['name'] })
      .expect(200);
    expect(cleared.body).not.toHaveProperty('name');
    expect(cleared.body.revision).toBe(1);
  });

  it('updates with If-Match and refuses a stale one with 412, changing nothing', async () => {
    const { body, headers } = await create({ name: { given: 'Grace', family: 'Hopper' } }).expect(201);
    const path = `/v1/contacts/${body.contactId}`;
    const renamed = await request(app.getHttpServer())
      .patch(path)
      .set('Authorization', sales)
      .set('If-Match', headers.etag)
      .send({ name: { given: 'Grace', family: 'Murray Hopper' } })
      .expect(200);
    expect(renamed.headers.etag).toBe('"1"');

    const stale = await request(app.getHttpServer())
      .patch(path)
      .set('Authorization', sales)
      .set('If-Match', '"0"')
      .send({ emails: [{ address: 'g@navy.mil' }] })
      .expect(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    const current = await request(app.getHttpServer()).get(path).set('Authorization', sales).expect(200);
    expect(current.body).toMatchObject({ revision: 1, name: { family: 'Murray Hopper' } });
    expect(current.body.emails).toEqual([]);
  });

  it('makes a retried create with the same contactId harmless (409, one contact)', async () => {
    const contactId = '01a2076c-1111-7222-8333-444455556666';
    await create({ contactId, name: { given: 'Alan', family: 'Turing' } }).expect(201);
    const again = await create({ contactId, name: { given: 'Alan', family: 'Turing' } }).expect(409);
    expect(again.body.type).toBe('https://crm.example/problems/contact-already-exists');
  });

  it('answers 404 problem for an unknown contact and 400 for a malformed id', async () => {
    const missing = await request(app.getHttpServer())
      .get('/v1/contacts/01a2076c-0000-7000-8000-000000000000')
      .set('Authorization', sales)
      .expect(404);
    expect(missing.body).toMatchObject({ status: 404, type: 'https://crm.example/problems/contact-not-found' });
    const malformed = await request(app.getHttpServer()).get('/v1/contacts/not-a-uuid').set('Authorization', sales).expect(400);
    // An ETag is a revision: none on a problem or a list (Express would tag each W/"…").
    const list = await request(app.getHttpServer()).get('/v1/contacts').set('Authorization', sales).expect(200);
    expect([missing, malformed, list].map((response) => response.headers.etag)).toEqual([undefined, undefined, undefined]);
  });

  it('requires a token (401) and a role that may write (403)', async () => {
    await request(app.getHttpServer()).get('/v1/contacts').expect(401);
    await create({ name: { given: 'Eve', family: 'X' } }, analyst).expect(403);
  });

  it.each([
    ['an unknown field', { name: { given: 'A', family: 'B' }, nickname: 'x' }, 'nickname'],
    ['a wrong type', { name: { given: 42, family: 'B' } }, 'name.given'],
    ['an oversized string', { name: { given: 'A'.repeat(201), family: 'B' } }, 'name.given'],
    ['a Mongo operator', { name: { given: 'A', family: 'B' }, emails: [{ address: { $ne: null } }] }, 'emails'],
    [
      'a Mongo operator in a custom value',
      { name: { given: 'A', family: 'B' }, customFields: [{ key: 'x', value: { $gt: '' } }] },
      'customFields',
    ],
    ['an invalid phone number', { name: { given: 'A', family: 'B' }, phones: [{ number: '+1 555' }] }, 'phones[0].number'],
    ['an unknown lifecycle stage', { name: { given: 'A', family: 'B' }, lifecycleStage: 'prospect' }, 'lifecycleStage'],
    [
      'an undeclared custom field',
      { name: { given: 'A', family: 'B' }, customFields: [{ key: 'shoeSize', value: 38 }] },
      'customFields[0].shoeSize',
    ],
    ['a bad e-mail', { name: { given: 'A', family: 'B' }, emails: [{ address: 'not-an-email' }] }, 'address'],
  ])('rejects %s with a 400 problem naming the field, and creates nothing', async (_, body, field) => {
    const before = await countContacts();
    const response = await create(body).expect(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(response.body)).toContain(field);
    expect(await countContacts()).toBe(before);
  });

  it('rejects operators and unknown parameters in the query string', async () => {
    await request(app.getHttpServer()).get('/v1/contacts').query('email[$ne]=x').set('Authorization', sales).expect(400);
    await request(app.getHttpServer()).get('/v1/contacts').query({ sort: 'name' }).set('Authorization', sales).expect(400);
    await request(app.getHttpServer())
      .get('/v1/contacts')
      .query({ cursor: 'bm90LWFuLWlk' })
      .set('Authorization', sales)
      .expect(400);
  });

  const server = () => app.getHttpServer();
  const get = (path: string, token = analyst) => request(server()).get(path).set('Authorization', token);

  it('keeps the whole profile: phones in E.164, one primary e-mail, declared custom fields checked', async () => {
    await request(server())
      .post('/v1/custom-fields')
      .set('Authorization', admin)
      .send({ key: 'plan', label: 'Plan', type: 'single-select', options: ['basic', 'pro'] })
      .expect(201);
    const { body } = await create({
      name: { prefix: 'Dr.', given: 'Grace', family: 'Hopper' },
      emails: [
        { address: 'G@Navy.mil', label: 'work' },
        { address: 'grace@example.com', primary: true },
      ],
      phones: [{ number: '044 668 18 00', label: 'office' }],
      country: 'CH',
      addresses: [{ lines: ['Bahnhofstrasse 1'], city: 'Zürich', postalCode: '8001', country: 'CH' }],
      locale: 'de-ch',
      timezone: 'Europe/Zurich',
      birthday: '1906-12-09',
      lifecycleStage: 'customer',
      tags: ['navy', 'cobol'],
      customFields: [{ key: 'plan', value: 'pro' }],
    }).expect(201);
    expect(body).toMatchObject({
      emails: [
        { address: 'g@navy.mil', label: 'work', primary: false },
        { address: 'grace@example.com', primary: true },
      ],
      phones: [{ number: '+41446681800', label: 'office', primary: true }],
      locale: 'de-CH',
      customFields: [{ key: 'plan', value: 'pro' }],
    });
    // Sending the same nested values again changes nothing (they arrive as validated DTO instances).
    const same = await request(server())
      .patch(`/v1/contacts/${body.contactId}`)
      .set('Authorization', sales)
      .send({ addresses: body.addresses, name: body.name, emails: body.emails })
      .expect(200);
    expect(same.body.revision).toBe(0);
    const bad = await create({ name: { given: 'A', family: 'B' }, customFields: [{ key: 'plan', value: 'gold' }] }).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'customFields[0].plan' })]);
  });

  it('shows every change in the history and the contact as it was at a past time', async () => {
    const { body, headers } = await create({ name: { given: 'Katherine', family: 'Coleman' }, lifecycleStage: 'lead' }).expect(
      201,
    );
    const path = `/v1/contacts/${body.contactId}`;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await request(server())
      .patch(path)
      .set('Authorization', sales)
      .set('If-Match', headers.etag)
      .set('x-correlation-id', `history-${body.contactId}`)
      .send({ name: { given: 'Katherine', family: 'Johnson' }, lifecycleStage: 'customer', jobTitle: 'Mathematician' })
      .expect(200);
    const history = await get(`${path}/history`).expect(200);
    expect(history.body.items).toHaveLength(2);
    expect(history.body.items[1]).toMatchObject({ revision: 1, type: 'ContactUpdated', actor: expect.any(String) });
    // The event carries the request's correlation (the kit's repositories stamp it).
    const [, updated] = await app.get<EventStore>(EVENT_STORE).readStream(`contact-${body.contactId}`);
    expect(updated.metadata).toMatchObject({
      correlationId: `history-${body.contactId}`,
      actor: history.body.items[1].actor,
      schemaVersion: expect.any(Number),
    });
    expect(history.body.items[1].changes).toEqual(
      expect.arrayContaining([
        { field: 'name', old: { given: 'Katherine', family: 'Coleman' }, new: { given: 'Katherine', family: 'Johnson' } },
        { field: 'lifecycleStage', old: 'lead', new: 'customer' },
        { field: 'jobTitle', new: 'Mathematician' },
      ]),
    );
    const then = await get(`${path}?asOf=${encodeURIComponent(between)}`).expect(200);
    expect(then.body).toMatchObject({ name: { family: 'Coleman' }, lifecycleStage: 'lead', revision: 0 });
    expect(then.body.jobTitle).toBeUndefined();
    await get(`${path}?asOf=yesterday`).expect(400);
  });

  it('logs an interaction once per external id, on the contact', async () => {
    const { body: contact } = await create({ name: { given: 'Mary', family: 'Jackson' } }).expect(201);
    const interaction = {
      contactId: contact.contactId,
      channel: 'phone-call',
      direction: 'outbound',
      occurredAt: '2026-01-05T10:00:00Z',
      subject: 'Wind tunnel',
      durationSeconds: 300,
      externalId: `call-${contact.contactId}`,
    };
    const first = await request(server()).post('/v1/interactions').set('Authorization', sales).send(interaction).expect(201);
    const again = await request(server())
      .post('/v1/interactions')
      .set('Authorization', sales)
      .send({ ...interaction, subject: 'x' })
      .expect(200);
    expect(again.body).toEqual(first.body);
    expect(first.body).toMatchObject({ subject: 'Wind tunnel', occurredAt: '2026-01-05T10:00:00.000Z' });
    await get(`/v1/interactions/${first.body.interactionId}`).expect(200);
    await request(server())
      .post('/v1/interactions')
      .set('Authorization', sales)
      .send({ ...interaction, channel: 'fax' })
      .expect(400);
    await request(server())
      .post('/v1/interactions')
      .set('Authorization', sales)
      .send({ ...interaction, contactId: '01a2076c-0000-7000-8000-000000000009', externalId: undefined })
      .expect(404);

    // The same external id for another person is refused, and nothing changes; for one merged with it, a repeat.
    const { body: other } = await create({ name: { given: 'Mary', family: 'Jackson-Other' } }).expect(201);
    const taken = await request(server())
      .post('/v1/interactions')
      .set('Authorization', sales)
      .send({ ...interaction, contactId: other.contactId })
      .expect(409);
    expect(taken.body).toMatchObject({
      type: expect.stringMatching(/interaction-external-id-taken$/),
      detail: `externalId ${interaction.externalId} is already the id of an interaction with another contact`,
    });
    await get(`/v1/interactions/${first.body.interactionId}`).expect(200, first.body);
    await request(server())
      .post(`/v1/contacts/${other.contactId}/merge`)
      .set('Authorization', sales)
      .send({ duplicateIds: [contact.contactId] })
      .expect(200);
    const viaSurvivor = await request(server())
      .post('/v1/interactions')
      .set('Authorization', sales)
      .send({ ...interaction, contactId: other.contactId })
      .expect(200);
    expect(viaSurvivor.body).toEqual(first.body);
  });

  it('keeps a consent ledger and the current state on the contact', async () => {
    const { body: contact } = await create({ name: { given: 'Dorothy', family: 'Vaughan' } }).expect(201);
    const path = `/v1/contacts/${contact.contactId}`;
    const statement = { channel: 'email', purpose: 'newsletter', source: 'web-form' };
    await request(server())
      .post(`${path}/consents`)
      .set('Authorization', sales)
      .send({ ...statement, status: 'granted', at: '2026-01-01T00:00:00Z' })
      .expect(200);
    const withdrawn = await request(server())
      .post(`${path}/consents`)
      .set('Authorization', sales)
      .send({ ...statement, status: 'withdrawn', source: 'unsubscribe-link', at: '2026-02-01T00:00:00Z' })
      .expect(200);
    expect(withdrawn.body.consents).toEqual([
      { ...statement, status: 'withdrawn', source: 'unsubscribe-link', at: '2026-02-01T00:00:00.000Z' },
    ]);
    // A statement dated in the future would outrank every later one (a withdrawal would not take effect): refused.
    const future = await request(server())
      .post(`${path}/consents`)
      .set('Authorization', sales)
      .send({ ...statement, status: 'granted', at: '2062-01-01T00:00:00Z' })
      .expect(400);
    expect(future.body.errors).toEqual([{ field: 'at', messages: ['must not be in the future'], in: 'body' }]);
    const ledger = await get(`${path}/consents`).expect(200);
    expect(ledger.body.items.map((entry: { status: string }) => entry.status)).toEqual(['granted', 'withdrawn']);
  });

  it('links people to companies and lists a company’s people', async () => {
    const company = await request(server())
      .post('/v1/companies')
      .set('Authorization', sales)
      .send({ name: 'Langley Research', domains: ['WWW.Langley.example'], size: '1001-5000' })
      .expect(201);
    expect(company.body.domains).toEqual(['langley.example']);
    const { body: contact } = await create({ name: { given: 'Christine', family: 'Darden' } }).expect(201);
    const linked = await request(server())
      .put(`/v1/contacts/${contact.contactId}/companies/${company.body.companyId}`)
      .set('Authorization', sales)
      .send({ role: 'Engineer' })
      .expect(200);
    expect(linked.body.companies).toEqual([{ companyId: company.body.companyId, role: 'Engineer' }]);
    await eventually(
      async () => (await get(`/v1/companies/${company.body.companyId}/people`)).body.items?.length === 1,
      'the company lists its person',
    );
    await request(server())
      .put(`/v1/contacts/${contact.contactId}/companies/01a2076c-0000-7000-8000-000000000008`)
      .set('Authorization', sales)
      .send({})
      .expect(404);
  });

  it('merges duplicates into a survivor, resolves the merged id to it, and undoes the merge', async () => {
    const { body: survivor } = await create({
      name: { given: 'Ada', family: 'Lovelace' },
      emails: [{ address: 'ada@merge.example' }],
    }).expect(201);
    const { body: duplicate } = await create({
      name: { given: 'Ada', family: 'King' },
      emails: [{ address: 'ada.king@merge.example' }],
      phones: [{ number: '+442071234567' }],
      lifecycleStage: 'customer',
    }).expect(201);
    const merged = await request(server())
      .post(`/v1/contacts/${survivor.contactId}/merge`)
      .set('Authorization', sales)
      .send({ duplicateIds: [duplicate.contactId] })
      .expect(200);
    expect(merged.body).toMatchObject({
      name: { family: 'Lovelace' },
      emails: [
        { address: 'ada@merge.example', primary: true },
        { address: 'ada.king@merge.example', primary: false },
      ],
      phones: [{ number: '+442071234567', primary: true }],
      lifecycleStage: 'customer',
    });
    const resolved = await get(`/v1/contacts/${duplicate.contactId}`).expect(200);
    expect(resolved.body.contactId).toBe(survivor.contactId);
    expect(resolved.headers['content-location']).toBe(`/v1/contacts/${survivor.contactId}`);
    await request(server())
      .patch(`/v1/contacts/${duplicate.contactId}`)
      .set('Authorization', sales)
      .send({ tags: ['x'] })
      .expect(409);

    const undone = await request(server())
      .post(`/v1/contacts/${survivor.contactId}/merges/${merged.body.mergeId}/undo`)
      .set('Authorization', sales)
      .expect(200);
    expect(undone.body).toMatchObject({
      emails: [{ address: 'ada@merge.example', primary: true }],
      phones: [],
      lifecycleStage: 'lead',
    });
    const back = await get(`/v1/contacts/${duplicate.contactId}`).expect(200);
    expect(back.body).toMatchObject({ contactId: duplicate.contactId, name: { family: 'King' } });
    await request(server())
      .post(`/v1/contacts/${survivor.contactId}/merge`)
      .set('Authorization', sales)
      .send({ duplicateIds: [survivor.contactId] })
      .expect(422);
  });

  it('filters, sorts and searches the list, and refuses unknown fields and operators', async () => {
    const tag = `t${Date.now()}`;
    for (const [given, stage] of [
      ['Annie', 'lead'],
      ['Anna', 'customer'],
      ['Bob', 'customer'],
    ] as const) {
      await create({ name: { given, family: 'Easley' }, lifecycleStage: stage, tags: [tag] }).expect(201);
    }
    const list = async (query: string) =>
      (await get(`/v1/contacts?tags=${tag}&${query}`).expect(200)).body.items as { givenName: string }[];
    await eventually(async () => (await list('')).length === 3, 'all three listed');
    expect((await list('lifecycleStage=customer&sort=-givenName')).map((i) => i.givenName)).toEqual(['Bob', 'Anna']);
    expect((await list('lifecycleStage[in]=lead,customer&q=ann&sort=givenName')).map((i) => i.givenName)).toEqual([
      'Anna',
      'Annie',
    ]);
    const firstPage = (await get(`/v1/contacts?tags=${tag}&limit=2&sort=givenName`).expect(200)).body;
    expect(firstPage.items).toHaveLength(2);
    const secondPage = (await get(`/v1/contacts?tags=${tag}&limit=2&sort=givenName&cursor=${firstPage.next}`).expect(200)).body;
    expect(secondPage.items.map((i: { givenName: string }) => i.givenName)).toEqual(['Bob']);
    const refused = await get('/v1/contacts?nickname=x&lifecycleStage[regex]=.*&createdAt[gt]=soon').expect(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['nickname', 'lifecycleStage[regex]', 'createdAt[gt]']),
    );
  });

  it('creates on its read database every index that its lists are served by', async () => {
    const db = app.get<Connection>(READ_MODELS).db!;
    for (const list of [contactListQuery, companyListQuery, contactInteractionsQuery]) {
      const { collection, indexes = [] } = list.readModel!;
      const declared = indexes.map((index) => JSON.stringify(index.fields));
      const created = async () => (await db.collection(collection).indexes()).map((index) => JSON.stringify(index.key));
      // The runner creates them when its projection starts, which the app does not wait for.
      const all = async () => {
        const now = await created();
        return declared.every((keys) => now.includes(keys));
      };
      await eventually(all, `the indexes of ${collection} exist`).catch(async (error: Error) => {
        expect(await created()).toEqual(expect.arrayContaining(declared)); // names the missing ones
        throw error;
      });
    }
  });

  it('answers retries with the same Idempotency-Key with the first result, also when they arrive at once', async () => {
    const key = `create-${Date.now()}`;
    const body = {
      name: { given: 'Radia', family: `Perlman${Date.now()}` },
      emails: [{ address: `radia.${Date.now()}@example.com` }],
    };
    const post = () => create(body).set('Idempotency-Key', key);
    const responses = await Promise.all([post(), post(), post()]);
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
    const { contactId } = responses[0].body;
    for (const response of responses) expect(response.body).toEqual(responses[0].body);
    expect((await get(`/v1/contacts/${contactId}`).expect(200)).body.revision).toBe(0);
    expect((await app.get<EventStore>(EVENT_STORE).readStream(`contact-${contactId}`)).length).toBe(1);
    // The same key with another body is a client error, not a silent replay.
    await create({ ...body, jobTitle: 'Engineer' })
      .set('Idempotency-Key', key)
      .expect(422);

    // The kept response shows the person: it is sealed with their key, and gone with their erasure.
    const pool = new Pool({ connectionString: process.env.DATABASE_URL });
    try {
      const kept = async () =>
        (await pool.query(`SELECT state, body, subject_id FROM "${schema}".idempotency_keys WHERE idempotency_key = $1`, [key]))
          .rows;
      expect(await kept()).toEqual([{ state: 'completed', body: expect.stringMatching(/^pii:v1:/), subject_id: contactId }]);
      await request(server()).post(`/v1/contacts/${contactId}/erase`).set('Authorization', admin).expect(204);
      expect(await kept()).toEqual([{ state: 'forgotten', body: null, subject_id: contactId }]);
      expect((await post().expect(410)).body.type).toMatch(/idempotent-response-gone$/);
    } finally {
      await pool.end();
    }
  });

  const post = (path: string, body: object = {}, token = sales) =>
    request(server()).post(path).set('Authorization', token).send(body);
  const logInteraction = (contactId: string, channel: string, subject: string) =>
    post('/v1/interactions', { contactId, channel, direction: 'inbound', occurredAt: new Date().toISOString(), subject });

  it('answers a request repeated with its Idempotency-Key as the first time, headers and all; an externalId seen before with 200', async () => {
    const { body: contact } = await create({ name: { given: 'Evelyn', family: `Boyd${Date.now()}` } }).expect(201);
    // The README's call.
    const call = {
      ...{ contactId: contact.contactId, channel: 'phone-call', direction: 'outbound', occurredAt: '2026-11-23T10:00:00Z' },
      ...{ subject: 'Renewal', externalId: `call-${contact.contactId}` },
    };
    const logCall = () => post('/v1/interactions', call).set('Idempotency-Key', `log-call-${contact.contactId}`);
    const first = await logCall().expect(201);
    const repeated = await logCall().expect(201);
    expect(repeated.headers['idempotent-replayed']).toBe('true');
    expect(repeated.text).toBe(first.text);
    expect(answerHeaderLines(repeated)).toEqual(answerHeaderLines(first));
    expect(answerHeaderLines(first)).toEqual(
      expect.arrayContaining([
        `Location: /v1/interactions/${first.body.interactionId}`,
        expect.stringMatching(/^Position-Token: /),
      ]),
    );
    const sameCall = await post('/v1/interactions', call).expect(200);
    expect(sameCall.body).toEqual(first.body);

    const person = { name: { given: 'Annie', family: `Easley${Date.now()}` } };
    const createOnce = () => create(person).set('Idempotency-Key', `create-${person.name.family}`);
    const created = await createOnce().expect(201);
    const again = await createOnce().expect(201);
    expect(answerHeaderLines(again)).toEqual(answerHeaderLines(created));
    expect(answerHeaderLines(created)).toEqual(
      expect.arrayContaining([
        'ETag: "0"',
        `Location: /v1/contacts/${created.body.contactId}`,
        expect.stringMatching(/^Position-Token: /),
      ]),
    );
  });

  it('refuses an erased person’s externalId for someone else without showing them, a retry alike, no error logged', async () => {
    const logged = jest.spyOn(app.get(PLATFORM_LOGGER), 'error');
    const [erased, other] = await Promise.all(
      ['Erased', 'Other'].map(
        async (family) => (await create({ name: { given: 'Mary', family: `${family}${Date.now()}` } })).body,
      ),
    );
    const call = {
      channel: 'phone-call',
      direction: 'inbound',
      occurredAt: '2026-11-23T10:00:00Z',
      externalId: `ext-${erased.contactId}`,
    };
    await post('/v1/interactions', { ...call, contactId: erased.contactId, subject: 'Private' }).expect(201);
    await post(`/v1/contacts/${erased.contactId}/erase`, {}, admin).expect(204);
    // The external id stays taken; the refusal shows nothing of the erased person, and a retry repeats it.
    const key = `again-${erased.contactId}`;
    const again = () => post('/v1/interactions', { ...call, contactId: other.contactId }).set('Idempotency-Key', key);
    const answer = await again().expect(409);
    expect(answer.text).not.toMatch(/Private|Erased/);
    expect(answer.body.detail).toBe(`externalId ${call.externalId} is already the id of an interaction with another contact`);
    expect((await again().expect(409)).body).toEqual(answer.body);
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it('returns a position token with each write that a list request waits on until it shows the write', async () => {
    const family = `Position${Date.now()}`;
    const created = await create({ name: { given: 'Katherine', family } }).expect(201);
    const token = created.headers['position-token'];
    // No polling: the list waits (bounded) until its read model has applied the write.
    const listed = await get(`/v1/contacts?familyName=${family}&position=${token}`).expect(200);
    expect(listed.body.items.map((item: { contactId: string }) => item.contactId)).toEqual([created.body.contactId]);
    const renamed = await request(server())
      .patch(`/v1/contacts/${created.body.contactId}`)
      .set('Authorization', sales)
      .send({ jobTitle: 'Mathematician' })
      .expect(200);
    const after = await get(`/v1/contacts?familyName=${family}&position=${renamed.headers['position-token']}`).expect(200);
    expect(after.body.items[0].jobTitle).toBe('Mathematician');

    const refused = await get(`/v1/companies?position=${token}`).expect(400);
    expect(refused.body.errors).toEqual([
      { field: 'position', messages: ['is the position of another list (contact_list), not of this one'], in: 'query' },
    ]);
    await get('/v1/contacts?position=not-a-token').expect(400);
    await get('/v1/contacts?position[$gt]=').expect(400);
  });

  it('lists a contact’s interactions with those of the contacts merged into it, newest first, filtered by channel', async () => {
    const { body: ada } = await create({ name: { given: 'Ada', family: `Interactions${Date.now()}` } }).expect(201);
    const { body: augusta } = await create({ name: { given: 'Augusta', family: 'King' } }).expect(201);
    await logInteraction(ada.contactId, 'email', 'First e-mail').expect(201);
    await logInteraction(ada.contactId, 'phone-call', 'A call').expect(201);
    const last = await logInteraction(augusta.contactId, 'email', 'Before the merge').expect(201);
    await post(`/v1/contacts/${ada.contactId}/merge`, { duplicateIds: [augusta.contactId] }).expect(200);
    const path = `/v1/contacts/${ada.contactId}/interactions`;
    await eventually(
      async () => (await get(`${path}?position=${last.headers['position-token']}`).expect(200)).body.items.length === 3,
      'the three interactions are listed',
    );
    const { body: all } = await get(path).expect(200);
    expect(all.items.map((item: { subject: string }) => item.subject)).toEqual(['Before the merge', 'A call', 'First e-mail']);
    const { body: emails } = await get(`${path}?channel=email&limit=1`).expect(200);
    expect(emails.items.map((item: { subject: string }) => item.subject)).toEqual(['Before the merge']);
    const { body: next } = await get(`${path}?channel=email&limit=1&cursor=${emails.next}`).expect(200);
    expect(next.items.map((item: { subject: string }) => item.subject)).toEqual(['First e-mail']);
    const refused = await get(`${path}?channel=pigeon&subject=x`).expect(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['channel', 'subject']);
    await get(`/v1/contacts/01a2076c-0000-7000-8000-000000000007/interactions`).expect(404);
  });

  it('lists likely duplicates with a score and the reasons', async () => {
    const stamp = Date.now();
    const company = await post('/v1/companies', { name: `Dup Works ${stamp}` }).expect(201);
    const companyId = company.body.companyId;
    const link = (contactId: string) =>
      request(server()).put(`/v1/contacts/${contactId}/companies/${companyId}`).set('Authorization', sales).send({});
    const email = `jean.${stamp}@dup.example`;
    const { body: subject } = await create({
      name: { given: 'Jean', family: 'Sammet' },
      emails: [{ address: email }],
      phones: [{ number: '+41446681801' }],
    }).expect(201);
    await link(subject.contactId).expect(200);
    const sameEmail = (
      await create({ name: { given: 'J.', family: 'Sammet' }, emails: [{ address: email.toUpperCase() }] }).expect(201)
    ).body;
    const samePhone = (
      await create({ name: { given: 'Someone', family: 'Else' }, phones: [{ number: '044 668 18 01' }], country: 'CH' }).expect(
        201,
      )
    ).body;
    const similar = (await create({ name: { given: 'Jeanne', family: 'Sammet' } }).expect(201)).body;
    const colleague = (await create({ name: { given: 'Grace', family: 'Hopper' } }).expect(201)).body;
    const samePhoneWritten = await link(similar.contactId).expect(200);
    await link(colleague.contactId).expect(200);
    await get(`/v1/contacts?position=${samePhoneWritten.headers['position-token']}&limit=1`).expect(200);

    const { body } = await get(`/v1/contacts/${subject.contactId}/duplicates`).expect(200);
    expect(body.items).toEqual([
      { contactId: sameEmail.contactId, score: 0.9, reasons: [{ kind: 'same-email', email }] },
      { contactId: samePhone.contactId, score: 0.7, reasons: [{ kind: 'same-phone', phone: '+41446681801' }] },
      {
        contactId: similar.contactId,
        score: expect.any(Number),
        reasons: [{ kind: 'similar-name-at-company', companyId, similarity: expect.any(Number) }],
      },
    ]);
    expect(body.items[2].score).toBeLessThan(0.7);
    await get(`/v1/contacts/${subject.contactId}/duplicates`, 'Bearer nope').expect(401);
  });

  it('finds people by the name or domain of their company', async () => {
    const stamp = Date.now();
    const company = await post('/v1/companies', { name: `Initech ${stamp}`, domains: [`initech${stamp}.example`] }).expect(201);
    const { body: person } = await create({ name: { given: 'Peter', family: 'Gibbons' } }).expect(201);
    await request(server())
      .put(`/v1/contacts/${person.contactId}/companies/${company.body.companyId}`)
      .set('Authorization', sales)
      .send({})
      .expect(200);
    await get(`/v1/companies?position=${company.headers['position-token']}`).expect(200);
    const byName = (q: string) => get(`/v1/contacts?q=${encodeURIComponent(q)}`).expect(200);
    await eventually(async () => (await byName(`initech ${stamp}`)).body.items.length === 1, 'found by company name');
    expect((await byName(`INITECH ${stamp}`)).body.items[0].contactId).toBe(person.contactId);
    expect((await byName(`initech${stamp}.ex`)).body.items[0].contactId).toBe(person.contactId);
    const companies = await get(`/v1/companies?q=initech${stamp}`).expect(200);
    expect(companies.body.items).toEqual([
      expect.objectContaining({ companyId: company.body.companyId, name: `Initech ${stamp}` }),
    ]);
    await get('/v1/companies?size=huge').expect(400);
  });

  it('exports everything held about a person, merged records included, and nothing once they are erased', async () => {
    const company = await post('/v1/companies', { name: 'Harvard Observatory' }).expect(201);
    const { body: henrietta } = await create({
      name: { given: 'Henrietta', family: 'Leavitt' },
      emails: [{ address: `henrietta.${Date.now()}@example.com` }],
    }).expect(201);
    const id = henrietta.contactId;
    await request(server())
      .put(`/v1/contacts/${id}/companies/${company.body.companyId}`)
      .set('Authorization', sales)
      .send({ role: 'Computer' })
      .expect(200);
    await post(`/v1/contacts/${id}/consents`, {
      channel: 'email',
      purpose: 'newsletter',
      status: 'granted',
      source: 'form',
    }).expect(200);
    const { body: alias } = await create({ name: { given: 'H. S.', family: 'Leavitt' } }).expect(201);
    await logInteraction(alias.contactId, 'note', 'Cepheid periods').expect(201);
    const logged = await logInteraction(id, 'meeting', 'Plates').expect(201);
    await post(`/v1/contacts/${id}/merge`, { duplicateIds: [alias.contactId] }).expect(200);
    await get(`/v1/contacts/${id}/interactions?position=${logged.headers['position-token']}`).expect(200);
    await eventually(
      async () => (await get(`/v1/contacts/${id}/interactions`)).body.items.length === 2,
      'both interactions indexed',
    );

    const exported = await get(`/v1/contacts/${id}/personal-data`, admin).expect(200);
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="contact-${id}.json"`);
    expect(exported.body).toMatchObject({
      contact: { contactId: id, name: { given: 'Henrietta', family: 'Leavitt' } },
      companies: [{ companyId: company.body.companyId, role: 'Computer', name: 'Harvard Observatory' }],
      consentLedger: [expect.objectContaining({ channel: 'email', purpose: 'newsletter', status: 'granted' })],
      mergedContacts: [{ contactId: alias.contactId, history: expect.any(Array), consentLedger: [] }],
    });
    expect(exported.body.interactions.map((i: { subject: string }) => i.subject).sort()).toEqual(['Cepheid periods', 'Plates']);
    expect(exported.body.history.map((entry: { type: string }) => entry.type)).toEqual(
      expect.arrayContaining(['ContactCreated', 'ContactLinkedToCompany', 'ContactConsentChanged', 'ContactsMerged']),
    );
    await get(`/v1/contacts/${id}/personal-data`, sales).expect(403);

    // The alias is part of Henrietta now: erasing it alone would leave its values in her record.
    const refused = await post(`/v1/contacts/${alias.contactId}/erase`, {}, admin).expect(409);
    expect(refused.body).toMatchObject({ type: expect.stringMatching(/contact-merged$/), survivorId: id });
    await get(`/v1/contacts/${alias.contactId}`).expect(200);

    await post(`/v1/contacts/${id}/erase`, {}, admin).expect(204);
    const gone = await get(`/v1/contacts/${id}/personal-data`, admin).expect(410);
    expect(JSON.stringify(gone.body)).not.toMatch(/Henrietta|Leavitt|Plates/);
    await get(`/v1/contacts/${alias.contactId}/personal-data`, admin).expect(410);
  });

  it('erases a person whose merge was undone from the survivor’s records too (the merge’s own key)', async () => {
    const stamp = Date.now();
    const { body: survivor } = await create({
      name: { given: 'Annie', family: `Easley${stamp}` },
      emails: [{ address: `annie.${stamp}@nasa.example` }],
    }).expect(201);
    const secret = { family: `Secret${stamp}`, email: `hidden.${stamp}@elsewhere.example` };
    const { body: other } = await create({
      name: { given: 'Not', family: secret.family },
      emails: [{ address: secret.email }],
      phones: [{ number: '+41446681809' }],
    }).expect(201);
    const mergeKey = `merge-${stamp}`;
    const merge = () =>
      post(`/v1/contacts/${survivor.contactId}/merge`, { duplicateIds: [other.contactId] }).set('Idempotency-Key', mergeKey);
    const merged = await merge().expect(200);
    expect(JSON.stringify(merged.body)).toContain(secret.email);
    await post(`/v1/contacts/${survivor.contactId}/merges/${merged.body.mergeId}/undo`).expect(200);
    const historyBefore = await get(`/v1/contacts/${survivor.contactId}/history`).expect(200);
    expect(JSON.stringify(historyBefore.body)).toContain(secret.email);

    await post(`/v1/contacts/${other.contactId}/erase`, {}, admin).expect(204);

    const history = await get(`/v1/contacts/${survivor.contactId}/history`).expect(200);
    const exported = await get(`/v1/contacts/${survivor.contactId}/personal-data`, admin).expect(200);
    const current = await get(`/v1/contacts/${survivor.contactId}`).expect(200);
    for (const shown of [history.body, exported.body, current.body]) {
      expect(JSON.stringify(shown)).not.toContain(secret.email);
      expect(JSON.stringify(shown)).not.toContain('+41446681809');
    }
    // The survivor itself is intact: its own values, its history of the merge without the other's values.
    expect(current.body).toMatchObject({
      name: { family: `Easley${stamp}` },
      emails: [{ address: `annie.${stamp}@nasa.example` }],
    });
    expect(history.body.items.map((entry: { type: string }) => entry.type)).toContain('ContactsMerged');
    expect((await merge()).status).toBe(410);
  });

  /** Every event in this test's store: a rejected request must not add one. */
  async function countContacts(): Promise<number> {
    return (await app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 100000 })).length;
  }
});

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every message value and header of a topic, as text (a fresh group from the start, until a quiet second). */
async function readAll(kafka: Kafka, topic: string): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `scan-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 200 });
  const seen: string[] = [];
  let last = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(
          String(message.value),
          ...Object.entries(message.headers ?? {}).map(([name, value]) => `${name}=${String(value)}`),
        );
        last = Date.now();
      },
    });
    const started = Date.now();
    while (seen.length === 0 ? Date.now() - started < 15000 : Date.now() - last < 1500)
      await new Promise((r) => setTimeout(r, 100));
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
