import type { NestExpressApplication } from '@nestjs/platform-express';
import { Pool } from 'pg';
import request from 'supertest';
import { crmContracts } from '@crm/contracts';
import { newId, PostgresEventStore } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { createKafka, parseBrokers } from '@crm/messaging';
import { testToken } from '@crm/platform/nest/testing';
import { parseMasterKey, PersonalDataVault, PostgresSubjectKeyStore } from '@crm/privacy';
import { CUSTOM_FIELDS_CATALOG_ID } from '../src/domain/custom-fields';
import { expectPublishedAsDocumented, readEvents, type NonCustomerKeys } from '../../../test/support/wire';
import { contactsTestConfig, createContactsTestApp } from './support';

/**
 * What a consumer of the analytics team does: takes the messages the relay really published to Kafka and checks each
 * against the published AsyncAPI document (docs/asyncapi.yaml) with Ajv, and its key against the catalog. Every event
 * type is there: those the service records today through its API, and those only events stored in older versions
 * carry (stored before the app starts, one of them of a customer erased since, which the relay upcasts with nulls).
 */
describe('contacts on the wire: every event type as published, checked against the AsyncAPI document and the catalog', () => {
  const schema = uniqueSchema('contacts_wire');
  const topic = `test-${schema}.contacts`;
  const config = contactsTestConfig(schema);
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
  const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS!), clientId: 'wire-test' });
  const sales = `Bearer ${testToken(['sales'])}`;
  const admin = `Bearer ${testToken(['admin'])}`;
  let app: NestExpressApplication;
  const send = (method: 'post' | 'patch' | 'put' | 'delete', path: string, body?: object, token = sales) =>
    request(app.getHttpServer())[method](path).set('Authorization', token).send(body);

  beforeAll(async () => {
    await storeEventsOfOlderVersions(pool, schema, parseMasterKey(config.PII_MASTER_KEY));
    app = await createContactsTestApp(config);
  });
  afterAll(async () => {
    await app?.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  /** An import row with an external id that finds its contact by e-mail (once the list has it) records the id. */
  const recordExternalIdByImport = async (email: string) => {
    const get = (path: string) => request(app.getHttpServer()).get(path).set('Authorization', sales);
    for (let tries = 0; (await get(`/v1/contacts?email=${email}`)).body.items.length === 0; tries++) {
      if (tries === 300) throw new Error(`${email} never listed`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const csv = `externalId,email\nwire-${schema},${email}`;
    const posted = await request(app.getHttpServer())
      .post('/v1/imports')
      .set('Authorization', sales)
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(202);
    for (let tries = 0; (await get(`/v1/imports/${posted.body.jobId}`)).body.status !== 'completed'; tries++) {
      if (tries === 300) throw new Error('the import never completed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('publishes every event type, each valid against its AsyncAPI message and keyed as the catalog says', async () => {
    await send(
      'post',
      '/v1/custom-fields',
      { key: 'plan', label: 'Plan', type: 'single-select', options: ['basic'] },
      admin,
    ).expect(201);
    const company = (
      await send('post', '/v1/companies', { name: 'Analytical Engines', domains: ['engines.example'] }).expect(201)
    ).body as { companyId: string };
    await send('patch', `/v1/companies/${company.companyId}`, { size: '11-50' }).expect(200);
    const person = (name: string) => ({
      name: { given: 'Ada', family: name },
      emails: [{ address: `ada.${name.toLowerCase()}@example.com` }],
      phones: [{ number: '+442071234567' }],
      customFields: [{ key: 'plan', value: 'basic' }],
    });
    const [ada, duplicate, archived] = await Promise.all(
      ['Lovelace', 'King', 'Byron'].map(async (name) => (await send('post', '/v1/contacts', person(name)).expect(201)).body),
    );
    await send('patch', `/v1/contacts/${ada.contactId}`, { jobTitle: 'Analyst' }).expect(200);
    await recordExternalIdByImport('ada.lovelace@example.com');
    const consent = { channel: 'email', purpose: 'newsletter', source: 'web-form', status: 'granted' };
    await send('post', `/v1/contacts/${ada.contactId}/consents`, { ...consent, at: '2026-01-01T00:00:00Z' }).expect(200);
    await send('put', `/v1/contacts/${ada.contactId}/companies/${company.companyId}`, { role: 'Analyst' }).expect(200);
    await send('delete', `/v1/contacts/${ada.contactId}/companies/${company.companyId}`).expect(200);
    const call = { contactId: ada.contactId, channel: 'phone-call', direction: 'outbound', occurredAt: '2026-01-05T10:00:00Z' };
    await send('post', '/v1/interactions', { ...call, subject: 'Engines', body: 'About the engine' }).expect(201);
    const merge = await send('post', `/v1/contacts/${ada.contactId}/merge`, { duplicateIds: [duplicate.contactId] }).expect(200);
    await send('post', `/v1/contacts/${ada.contactId}/merges/${merge.body.mergeId}/undo`).expect(200);
    await send('post', `/v1/contacts/${archived.contactId}/archive`).expect(200);
    await send('post', `/v1/companies/${company.companyId}/archive`).expect(200);
    await send('post', `/v1/contacts/${duplicate.contactId}/erase`, undefined, admin).expect(204);

    const stored = await pool.query<{ event_id: string }>(`SELECT event_id FROM "${schema}".events`);
    const messages = await readEvents(kafka, topic, new Set(stored.rows.map((row) => row.event_id)));

    const seen = expectPublishedAsDocumented(messages, NON_CUSTOMER_KEYS);
    // Every event type of this service's topic (the other services' events are on theirs), but the answers to a lead's
    // conversion, which lead-conversion.test.ts checks on the wire.
    expect([...seen].sort()).toEqual(
      crmContracts
        .all()
        .filter((contract) => contract.service === 'contacts' && !LEAD_CONVERSION_ANSWERS.includes(contract.name))
        .map((contract) => contract.name)
        .sort(),
    );
  });
});

const LEAD_CONVERSION_ANSWERS = ['ContactLinkedToLead', 'LeadLinkRefused'];

/** The Kafka key of each event type that concerns no customer, as the catalog gives it: its aggregate's id. */
const NON_CUSTOMER_KEYS: NonCustomerKeys = {
  CompanyCreated: (data) => (data as { companyId: string }).companyId,
  CompanyUpdated: (data) => (data as { companyId: string }).companyId,
  CompanyArchived: (data) => (data as { companyId: string }).companyId,
  // One catalog of custom fields for all contacts.
  CustomFieldDefined: () => CUSTOM_FIELDS_CATALOG_ID,
};

/**
 * Events as they were stored before their current versions, sealed as then: a contact's whole legacy history, and a
 * contact created in v2 whose key was erased since. The relay publishes them upcast (the erased one with nulls).
 */
async function storeEventsOfOlderVersions(pool: Pool, schema: string, masterKey: Buffer): Promise<void> {
  const store = new PostgresEventStore({ pool, schema });
  await store.migrate();
  const keys = new PostgresSubjectKeyStore(pool, masterKey, schema);
  await keys.migrate();
  const vault = new PersonalDataVault(crmContracts, keys);
  const at = '2025-01-15T09:30:00.000Z';
  const record = async (stream: string, events: { type: string; version: number; data: object }[]) => {
    for (const { type, version, data } of events) crmContracts.assertValid(type, data, version);
    const sealed = await vault.seal(
      events.map(({ type, data, version }) => ({ id: newId(), type, data, metadata: { schemaVersion: version } })),
    );
    await store.append(stream, sealed);
  };
  const legacy = newId();
  await record(`contact-${legacy}`, [
    { type: 'ContactCreated', version: 1, data: { contactId: legacy, fullName: 'Ada Lovelace', email: 'ada@example.com', at } },
    { type: 'ContactRenamed', version: 1, data: { contactId: legacy, name: { given: 'Ada', family: 'King' }, at } },
    { type: 'ContactEmailChanged', version: 1, data: { contactId: legacy, email: 'ada.king@example.com', at } },
    {
      type: 'ContactsMerged',
      version: 1,
      data: {
        contactId: legacy,
        mergeId: newId(),
        mergedContactIds: [newId()],
        changes: { phones: [{ number: '+442071234567', primary: true }] },
        consents: [],
        companyLinks: [],
        at,
      },
    },
  ]);
  const erased = newId();
  await record(`contact-${erased}`, [
    { type: 'ContactCreated', version: 2, data: { contactId: erased, name: { given: 'Grace', family: 'Hopper' }, at } },
  ]);
  await keys.erase(erased);
  await record(`contact-${erased}`, [
    { type: 'ContactErased', version: crmContracts.currentVersion('ContactErased'), data: { contactId: erased, at } },
  ]);
}
