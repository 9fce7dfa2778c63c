import { Pool } from 'pg';
import { crmContracts } from '@crm/contracts';
import { newId } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { createKafka, parseBrokers } from '@crm/messaging';
import { ContactsSource } from '../../../test/support/contacts-source';
import { expectPublishedAsDocumented, readEvents, type NonCustomerKeys } from '../../../test/support/wire';
import { admin, eventually, salesApi, stages } from './support';

/** The Kafka key of each event type that concerns no customer, as the catalog gives it: its aggregate's id. */
const NON_CUSTOMER_KEYS: NonCustomerKeys = {
  PipelineCreated: (data) => (data as { pipelineId: string }).pipelineId,
  PipelineRenamed: (data) => (data as { pipelineId: string }).pipelineId,
  PipelineStagesChanged: (data) => (data as { pipelineId: string }).pipelineId,
  ProductCreated: (data) => (data as { productId: string }).productId,
  ProductUpdated: (data) => (data as { productId: string }).productId,
  ProductRetired: (data) => (data as { productId: string }).productId,
  ProductReactivated: (data) => (data as { productId: string }).productId,
};

/**
 * What a consumer of another team does with the `crm.sales` topic: takes the messages the relay really published and
 * checks each against the published AsyncAPI document and its key against the catalog. Every event type the API can
 * cause is there (DealRotted waits for the rotting timer, not in this service yet), a lead's conversion completed with
 * contacts' replies.
 */
describe('sales on the wire: every event type as published, checked against the AsyncAPI document and the catalog', () => {
  const api = salesApi('wr');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS!), clientId: 'sales-wire-test' });
  // Contacts' replies to a lead's conversion, on the contacts topic sales reacts to.
  const contacts = new ContactsSource(uniqueSchema('wirec'), `test-${api.schema}.contacts`);
  beforeAll(() => contacts.start());
  afterAll(async () => {
    await contacts.stop();
    await pool.end();
  });

  it('publishes every event type, each valid against its AsyncAPI message and keyed as the catalog says', async () => {
    const [first, second, third] = stages();
    const contactId = newId();
    const pipeline = (await api.post('/v1/pipelines', { name: 'Wire', stages: [first, second] }).expect(201)).body;
    await api.patch(`/v1/pipelines/${pipeline.pipelineId}`, { name: 'Wire renamed' }).expect(200);
    await api.put(`/v1/pipelines/${pipeline.pipelineId}/stages`, { stages: [first, second, third] }).expect(200);
    const value = { amountMinor: 100_000, currency: 'EUR' };
    const deal = (
      await api.post('/v1/deals', { contactId, pipelineId: pipeline.pipelineId, title: 'Engines', value }).expect(201)
    ).body;
    await api.patch(`/v1/deals/${deal.dealId}`, { title: 'Two engines' }).expect(200);
    await api.post(`/v1/deals/${deal.dealId}/stage`, { stageId: second.stageId }).expect(200);
    await api.post(`/v1/deals/${deal.dealId}/lose`, { reason: 'Budget' }).expect(200);
    await api.post(`/v1/deals/${deal.dealId}/reopen`).expect(200);
    await api.post(`/v1/deals/${deal.dealId}/win`).expect(200);
    const product = (await api.post('/v1/products', { sku: `W-${Date.now()}`, name: 'Engine', prices: [value] }).expect(201))
      .body;
    await api.patch(`/v1/products/${product.productId}`, { name: 'Engine No. 2' }).expect(200);
    await api.post(`/v1/products/${product.productId}/retire`).expect(200);
    await api.post(`/v1/products/${product.productId}/reactivate`).expect(200);
    const lineId = newId();
    const line = { lineId, productId: product.productId, quantity: 2 };
    const cancelled = (await api.post('/v1/orders', { contactId, currency: 'EUR', lines: [line] }).expect(201)).body;
    await api.post(`/v1/orders/${cancelled.orderId}/cancel`, { reason: 'duplicate order' }).expect(200);
    const order = (await api.post('/v1/orders', { contactId, currency: 'EUR', lines: [line] }).expect(201)).body;
    await api.post(`/v1/orders/${order.orderId}/pay`).expect(200);
    await api.post(`/v1/orders/${order.orderId}/fulfil`).expect(200);
    await api.post(`/v1/orders/${order.orderId}/refunds`, { lines: [{ lineId, quantity: 1 }] }).expect(200);

    const person = { name: { given: 'Ada', family: 'Lovelace' }, email: 'ada@example.com', phone: '+442071234567' };
    const lead = (await api.post('/v1/leads', { person, source: 'web', notes: 'Demo' }).expect(201)).body;
    await api.post(`/v1/leads/${lead.leadId}/owner`, { ownerId: newId() }).expect(200);
    await api.post(`/v1/leads/${lead.leadId}/disqualify`, { reason: 'bad-timing', note: 'Next year' }).expect(200);
    await api.post(`/v1/leads/${lead.leadId}/qualify`).expect(200);
    const asked = { pipelineId: pipeline.pipelineId, title: 'Engines', value };
    const at = () => new Date().toISOString();
    const erasedContact = newId();
    await api.post(`/v1/leads/${lead.leadId}/convert`, { ...asked, contactId: erasedContact }).expect(202);
    await contacts.record(`lead-link-${lead.leadId}`, [
      {
        type: 'LeadLinkRefused',
        data: { leadId: lead.leadId, attempt: 1, contactId: erasedContact, reason: 'contact-erased', at: at() },
      },
    ]);
    const status = async (expected: string) => (await api.get(`/v1/leads/${lead.leadId}`)).body.status === expected;
    await eventually(() => status('conversion-failed'), 'the first attempt failed', 60000);
    await api.post(`/v1/leads/${lead.leadId}/convert`, asked).expect(202);
    await contacts.record(`contact-${lead.leadId}`, [
      { type: 'ContactLinkedToLead', data: { contactId: lead.leadId, leadId: lead.leadId, attempt: 2, created: true, at: at() } },
    ]);
    await eventually(() => status('converted'), 'the second attempt converted it', 60000);
    const prospect = (await api.post('/v1/leads', { person, source: 'event' }).expect(201)).body;
    await api.post(`/v1/leads/${prospect.leadId}/erase`, undefined, admin).expect(204);

    const stored = await pool.query<{ event_id: string }>(`SELECT event_id FROM "${api.schema}".events`);
    const messages = await readEvents(kafka, `test-${api.schema}.sales`, new Set(stored.rows.map((row) => row.event_id)));

    const seen = expectPublishedAsDocumented(messages, NON_CUSTOMER_KEYS);
    expect([...seen].sort()).toEqual(
      crmContracts
        .all()
        .filter((contract) => contract.service === 'sales' && contract.name !== 'DealRotted')
        .map((contract) => contract.name)
        .sort(),
    );
  });
});
