import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { LeadConversionRequested, type LeadEvent } from '@crm/contracts';
import { newId, PostgresEventStore } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { testToken } from '@crm/platform/nest/testing';
import { SubjectErasedError } from '@crm/privacy';
import { eventually } from '../../../libs/messaging/test/support';
import { ContactsSource } from '../../../test/support/contacts-source';
import { expectPublishedAsDocumented, readEvents } from '../../../test/support/wire';
import { contactsTestConfig, createContactsTestApp } from './support';

/**
 * Contacts' step of a lead's conversion (ADR 0020), fed as sales feeds it: LeadConversionRequested sealed with the
 * lead's key (the key store both services share), published by a relay onto `<prefix>.sales`. The service answers on
 * the contact's stream (ContactLinkedToLead) or on the lead's link stream (LeadLinkRefused).
 */
describe('lead conversion, contacts’ side', () => {
  const schema = uniqueSchema('leads');
  const prefix = `test-${schema}`;
  // Sales' store and the subject keys of both services.
  const sales = new ContactsSource(`${schema}_sales`, `${prefix}.sales`, { service: 'sales' });
  const config = contactsTestConfig(schema, { SUBJECT_KEYS_SCHEMA: sales.schema });
  const store = new PostgresEventStore({ pool: sales.pool, schema });
  const user = `Bearer ${testToken(['sales'])}`;
  const admin = `Bearer ${testToken(['admin'])}`;
  let app: NestExpressApplication;

  beforeAll(async () => {
    await sales.start();
    app = await createContactsTestApp(config);
  });
  afterAll(async () => {
    await app?.close();
    await sales.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sales.stop();
  });

  const http = () => request(app.getHttpServer());
  const createContact = async (given: string, family: string): Promise<string> =>
    (
      await http()
        .post('/v1/contacts')
        .set('Authorization', user)
        .send({ name: { given, family }, emails: [{ address: `${given}.${family}@example.com`.toLowerCase() }] })
        .expect(201)
    ).body.contactId;

  const ownerId = newId();
  const requested = (leadId: string, attempt: number, contactId?: string): LeadEvent => ({
    type: 'LeadConversionRequested',
    data: {
      ...LeadConversionRequested.example,
      leadId,
      attempt,
      person: { name: { given: 'Ada', family: 'Lovelace' }, email: 'ada@engines.example', phone: '+442071234567' },
      ownerId,
      ...(contactId ? { contactId } : {}),
      at: new Date().toISOString(),
    },
  });
  /**
   * Sales records the request; here it is recorded twice, a delivery that comes again past the reactor's record of
   * what it handled (a crash between the answer and that record): the second must append nothing.
   */
  const requestTwice = async (leadId: string, contactId?: string): Promise<void> => {
    await sales.record(`lead-${leadId}`, [requested(leadId, 1, contactId)]);
    await sales.record(`lead-${leadId}`, [requested(leadId, 1, contactId)]);
    await eventually(
      async () => {
        const { rows } = await sales.pool.query<{ revision: string }>(
          `SELECT revision FROM "${schema}".reactor_positions WHERE reactor = 'LinkConvertedLeads' AND stream = $1`,
          [`lead-${leadId}`],
        );
        return Number(rows[0]?.revision ?? -1) === 1;
      },
      60000,
      `both requests of lead ${leadId} handled`,
    );
  };
  const eventsOf = async (stream: string) =>
    (await store.readStream(stream)).map(({ type, data }) => ({ type, data: data as Record<string, unknown> }));
  const answers = new Set<string>();
  const rememberAnswers = async (stream: string) => {
    for (const { id, type } of await store.readStream(stream))
      if (type === 'ContactLinkedToLead' || type === 'LeadLinkRefused') answers.add(id);
  };

  it('creates the person as a contact with the lead’s id and its profile from the lead, once, linked to the lead', async () => {
    const leadId = newId();
    await requestTwice(leadId);
    const contact = await http().get(`/v1/contacts/${leadId}`).set('Authorization', user).expect(200);
    expect(contact.body).toMatchObject({
      contactId: leadId,
      status: 'active',
      name: { given: 'Ada', family: 'Lovelace' },
      emails: [{ address: 'ada@engines.example', primary: true }],
      phones: [{ number: '+442071234567', primary: true }],
      source: 'campaign',
      ownerId,
      lifecycleStage: 'opportunity',
    });
    expect(await eventsOf(`contact-${leadId}`)).toEqual([
      { type: 'ContactCreated', data: expect.objectContaining({ contactId: leadId }) },
      {
        type: 'ContactLinkedToLead',
        data: { contactId: leadId, leadId, attempt: 1, created: true, at: expect.any(String) },
      },
    ]);
    await rememberAnswers(`contact-${leadId}`);
  });

  it('links an existing contact (through its merge) once, its profile as it was', async () => {
    const grace = await createContact('Grace', 'Hopper');
    const duplicate = await createContact('Grace', 'Murray');
    await http()
      .post(`/v1/contacts/${grace}/merge`)
      .set('Authorization', user)
      .send({ duplicateIds: [duplicate] })
      .expect(200);
    const before = (await http().get(`/v1/contacts/${grace}`).set('Authorization', user).expect(200)).body;
    const leadId = newId();
    await requestTwice(leadId, duplicate);
    const links = (await eventsOf(`contact-${grace}`)).filter(({ type }) => type === 'ContactLinkedToLead');
    expect(links).toEqual([
      { type: 'ContactLinkedToLead', data: { contactId: grace, leadId, attempt: 1, created: false, at: expect.any(String) } },
    ]);
    const after = (await http().get(`/v1/contacts/${grace}`).set('Authorization', user).expect(200)).body;
    expect(after).toMatchObject({ name: before.name, emails: before.emails, lifecycleStage: 'lead' });
    await http().get(`/v1/contacts/${leadId}`).set('Authorization', user).expect(404);
    await rememberAnswers(`contact-${grace}`);

    // Erasing the contact erases the lead's key too: sales' sealed data of the person can no longer be opened.
    expect((await sales.keys.keysOf([leadId])).size).toBe(1);
    await http().post(`/v1/contacts/${grace}/erase`).set('Authorization', admin).expect(204);
    await expect(sales.keys.keyFor(leadId)).rejects.toThrow(SubjectErasedError);
  });

  it('refuses, once, to link an erased or an unknown contact, on the lead’s link stream', async () => {
    const erased = await createContact('Alan', 'Turing');
    await http().post(`/v1/contacts/${erased}/erase`).set('Authorization', admin).expect(204);
    const [toErased, toUnknown] = [newId(), newId()];
    const unknown = newId();
    await requestTwice(toErased, erased);
    await requestTwice(toUnknown, unknown);
    const refused = (leadId: string, contactId: string, reason: string) => [
      { type: 'LeadLinkRefused', data: { leadId, attempt: 1, contactId, reason, at: expect.any(String) } },
    ];
    expect(await eventsOf(`lead-link-${toErased}`)).toEqual(refused(toErased, erased, 'contact-erased'));
    expect(await eventsOf(`lead-link-${toUnknown}`)).toEqual(refused(toUnknown, unknown, 'contact-not-found'));
    // The erased person's stream gets nothing new.
    expect((await eventsOf(`contact-${erased}`)).map(({ type }) => type)).toEqual(['ContactCreated', 'ContactErased']);
    await rememberAnswers(`lead-link-${toErased}`);
  });

  it('publishes its answers as the AsyncAPI document and the catalog say', async () => {
    const messages = await readEvents(sales.kafka, `${prefix}.contacts`, answers);
    const seen = expectPublishedAsDocumented(
      messages.filter((message) => answers.has(message.headers?.ce_id?.toString() ?? '')),
      {},
    );
    expect([...seen].sort()).toEqual(['ContactLinkedToLead', 'LeadLinkRefused']);
  });
});
