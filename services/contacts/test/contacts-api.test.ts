import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { EventStore } from '@crm/eventsourcing';
import { EVENT_STORE } from '@crm/eventsourcing/nest/event-store.module';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { createHttpTestApp, testToken } from '@crm/platform/testing';
import { Pool } from 'pg';
import type { Connection } from 'mongoose';
import type { Kafka } from 'kafkajs';
import { createKafka, parseBrokers } from '@crm/messaging';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { ContactsModule } from '../src/contacts.module';
import { loadContactsConfig } from '../src/config';

/** The contacts service against the real PostgreSQL, Kafka and MongoDB-wire servers. */
describe('contacts API', () => {
  let app: NestExpressApplication;
  const sales = `Bearer ${testToken(['sales'])}`;
  const analyst = `Bearer ${testToken(['analyst'])}`;

  const schema = uniqueSchema('contacts_test');
  const topic = `test-${schema}.contacts`;
  beforeAll(async () => {
    const config = loadContactsConfig({
      ...process.env,
      NODE_ENV: 'test',
      CONTACTS_DB_SCHEMA: schema,
      CONTACTS_READ_DB: schema,
      KAFKA_TOPIC_PREFIX: `test-${schema}`,
    });
    app = await createHttpTestApp({ imports: [ContactsModule.forRoot(config)] });
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
    const { body } = await create({ name: secret, email }).expect(201);
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
    const created = await create({ name: { given: 'Ada', family: 'Lovelace' }, email: 'Ada@Example.com' }).expect(201);
    const { contactId } = created.body;
    expect(created.headers.location).toBe(`/v1/contacts/${contactId}`);
    expect(created.headers.etag).toBe('"0"');
    expect(created.body).toMatchObject({
      name: { given: 'Ada', family: 'Lovelace' },
      email: 'ada@example.com',
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
      .send({ email: 'g@navy.mil' })
      .expect(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    const current = await request(app.getHttpServer()).get(path).set('Authorization', sales).expect(200);
    expect(current.body).toMatchObject({ revision: 1, name: { family: 'Murray Hopper' } });
    expect(current.body.email).toBeUndefined();
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
    await request(app.getHttpServer()).get('/v1/contacts/not-a-uuid').set('Authorization', sales).expect(400);
  });

  it('requires a token (401) and a role that may write (403)', async () => {
    await request(app.getHttpServer()).get('/v1/contacts').expect(401);
    await create({ name: { given: 'Eve', family: 'X' } }, analyst).expect(403);
  });

  it.each([
    ['an unknown field', { name: { given: 'A', family: 'B' }, nickname: 'x' }, 'nickname'],
    ['a wrong type', { name: { given: 42, family: 'B' } }, 'name.given'],
    ['an oversized string', { name: { given: 'A'.repeat(201), family: 'B' } }, 'name.given'],
    ['a Mongo operator', { name: { given: 'A', family: 'B' }, email: { $ne: null } }, 'email'],
    ['a bad e-mail', { name: { given: 'A', family: 'B' }, email: 'not-an-email' }, 'email'],
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
