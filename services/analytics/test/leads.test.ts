import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { LeadEvent } from '@crm/contracts';
import { newId } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { testToken } from '@crm/platform/nest/testing';
import { createServiceTestApp, serviceTestConfig } from '@crm/service-kit/testing';
import { analyticsService } from '../src/analytics.service';
import { eventually } from '../../../libs/messaging/test/support';
import { ContactsSource } from '../../../test/support/contacts-source';
import { ensureTopicsOfServicesNotStarted } from '../../../test/support/source-topics';

/**
 * Leads in analytics (ADR 0020), fed as sales and contacts feed it (sealed events, their relays, one key store): a
 * lead's events form a timeline under the lead's id; a lead linked to an existing contact resolves to it, whose
 * timeline gathers the lead's entries; a lead's erasure leaves a tombstone, as a contact's does.
 */
describe('analytics and leads', () => {
  const schema = uniqueSchema('analytics_leads');
  const prefix = `test-${schema}`;
  const contacts = new ContactsSource(schema, `${prefix}.contacts`);
  const sales = new ContactsSource(`${schema}_sales`, `${prefix}.sales`, { service: 'sales', keysSchema: schema });
  const config = serviceTestConfig(analyticsService, {
    KAFKA_TOPIC_PREFIX: prefix,
    ANALYTICS_READ_DB: schema,
    SUBJECT_KEYS_SCHEMA: schema,
  });
  let app: NestExpressApplication;

  beforeAll(async () => {
    await contacts.start();
    await sales.start();
    await ensureTopicsOfServicesNotStarted(contacts.kafka, prefix, ['contacts', 'sales']);
    app = await createServiceTestApp(analyticsService, config);
  });
  afterAll(async () => {
    await app?.close();
    await sales.stop();
    await contacts.stop();
  });

  const analyst = `Bearer ${testToken(['analyst'])}`;
  const get = (path: string) => request(app.getHttpServer()).get(path).set('Authorization', analyst);
  type Page = {
    customerId: string;
    mergedInto?: string;
    contactIds: string[];
    items: { customerId: string; type: string; data: Record<string, unknown> }[];
  };
  const timeline = async (id: string): Promise<Page> =>
    (await get(`/v1/customers/${id}/timeline`).query({ limit: '200' }).expect(200)).body;
  /** Until the timeline of `id` holds `count` entries (404 while nothing about it was projected yet). */
  const settled = (id: string, count: number) =>
    eventually(
      async () => {
        const response = await get(`/v1/customers/${id}/timeline`).query({ limit: '200' });
        return response.status === 200 && (response.body as Page).items.length === count;
      },
      30000,
      `${count} entries on the timeline of ${id}`,
    );

  const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  const lead = (leadId: string, events: LeadEvent[]) => sales.record(`lead-${leadId}`, events);
  const leadCreated = (leadId: string, family: string): LeadEvent => ({
    type: 'LeadCreated',
    data: {
      leadId,
      person: { name: { given: 'Ada', family }, email: `${family.toLowerCase()}@example.com` },
      source: 'web',
      at: at(1),
    },
  });
  const converted = (leadId: string, contactId: string): LeadEvent => ({
    type: 'LeadConverted',
    data: { leadId, attempt: 1, contactId, contactCreated: contactId === leadId, dealId: newId(), at: at(5) },
  });
  const linked = (contactId: string, leadId: string) =>
    contacts.record(`contact-${contactId}`, [
      { type: 'ContactLinkedToLead', data: { contactId, leadId, attempt: 1, created: contactId === leadId, at: at(4) } },
    ]);

  it('resolves a lead linked to an existing contact to that contact, whose timeline gathers the lead’s entries', async () => {
    const [grace, leadId] = [newId(), newId()];
    await contacts.record(`contact-${grace}`, [
      {
        type: 'ContactCreated',
        data: {
          contactId: grace,
          name: { given: 'Grace', family: 'Hopper' },
          emails: [],
          phones: [],
          addresses: [],
          lifecycleStage: 'customer',
          tags: [],
          customFields: [],
          at: at(2),
        },
      },
    ]);
    await lead(leadId, [leadCreated(leadId, 'Prospect'), { type: 'LeadQualified', data: { leadId, at: at(3) } }]);
    await settled(leadId, 2);
    // Before the conversion, the lead is a customer of its own.
    expect(await timeline(leadId)).toMatchObject({ customerId: leadId, contactIds: [leadId] });

    await linked(grace, leadId);
    await lead(leadId, [converted(leadId, grace)]);
    await settled(grace, 5);
    const gathered = await timeline(grace);
    expect(gathered).toMatchObject({ customerId: grace, contactIds: [grace, leadId] });
    expect(gathered.items.map((item) => [item.customerId, item.type])).toEqual([
      [leadId, 'LeadConverted'],
      [grace, 'ContactLinkedToLead'],
      [leadId, 'LeadQualified'],
      [grace, 'ContactCreated'],
      [leadId, 'LeadCreated'],
    ]);
    // The lead's personal data opens with the lead's key.
    const created = gathered.items.find((item) => item.type === 'LeadCreated');
    expect(created?.data.person).toMatchObject({ name: { given: 'Ada', family: 'Prospect' } });
    expect(await timeline(leadId)).toMatchObject({ customerId: grace, mergedInto: grace, contactIds: [grace, leadId] });

    // The contact's erasure erases the lead's key too (contacts does it): the lead's entries open as null.
    await contacts.erase(grace, [leadId]);
    await eventually(
      async () => {
        const items = (await timeline(grace)).items;
        return (items.find((item) => item.type === 'LeadCreated')?.data.person as { name?: unknown })?.name === null;
      },
      30000,
      'the lead’s data erased with the contact',
    );
  });

  it('links nothing for a contact created for the lead: it has the lead’s id, one timeline', async () => {
    const leadId = newId();
    await lead(leadId, [leadCreated(leadId, 'Newcomer')]);
    await linked(leadId, leadId);
    await lead(leadId, [converted(leadId, leadId)]);
    await settled(leadId, 3);
    expect(await timeline(leadId)).toMatchObject({ customerId: leadId, contactIds: [leadId] });
    expect(await timeline(leadId)).not.toHaveProperty('mergedInto');
  });

  it('leaves only a tombstone of an erased lead, as of an erased contact', async () => {
    const leadId = newId();
    await lead(leadId, [leadCreated(leadId, 'Forgotten')]);
    await eventually(async () => (await get(`/v1/customers/${leadId}/profile`)).status === 200, 30000, 'the lead’s profile');
    await sales.keys.erase(leadId);
    await lead(leadId, [{ type: 'LeadErased', data: { leadId, at: at(6) } }]);
    await eventually(
      async () => (await get(`/v1/customers/${leadId}/profile`)).body.status === 'erased',
      30000,
      'the lead’s profile erased',
    );
    expect((await get(`/v1/customers/${leadId}/profile`).expect(200)).body).toEqual({
      customerId: leadId,
      contactIds: [leadId],
      status: 'erased',
      erasedAt: at(6),
    });
  });
});
