import type { ContactsEvent } from '@crm/contracts';
import { newId } from '@crm/eventsourcing';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest';
import { repositoryToken, type RepositoryOf } from '@crm/service-kit';
import { ContactsSource } from '../../../test/support/contacts-source';
import { dealIdOfLead } from '../src/application/commands/leads';
import { leadAggregate } from '../src/domain/lead';
import { admin, eventually, salesApi, stages } from './support';

/**
 * The sales half of a lead's conversion (ADR 0020), fed with contacts' real replies: ContactLinkedToLead and
 * LeadLinkRefused, validated, stored and relayed onto the contacts topic as the contacts service does it, consumed by
 * the reactor CompleteLeadConversions.
 */
describe('sales: completing lead conversions from contacts’ replies', () => {
  const api = salesApi('lc');
  const source = new ContactsSource(uniqueSchema('leadsrc'), `test-${api.schema}.contacts`);
  const pipelineId = newId();
  const [first] = stages();
  const ownerId = newId();
  beforeAll(async () => {
    await source.start();
    await api.post('/v1/pipelines', { pipelineId, name: 'New business', stages: [first] }).expect(201);
  });
  afterAll(async () => {
    await source.stop();
  });

  const value = { amountMinor: 1_250_000, currency: 'EUR' };
  /** A qualified lead, asked to convert: returns its id and the attempt it waits for. */
  const converting = async (asked: object = {}): Promise<string> => {
    const { body } = await api
      .post('/v1/leads', { person: { name: { given: 'Ada', family: 'Lovelace' } }, source: 'web', ownerId })
      .expect(201);
    await api.post(`/v1/leads/${body.leadId}/qualify`).expect(200);
    const requested = await api
      .post(`/v1/leads/${body.leadId}/convert`, { pipelineId, title: 'Reporting module', value, ...asked })
      .expect(202);
    expect(requested.body.status).toBe('converting');
    return body.leadId;
  };
  const at = () => new Date().toISOString();
  const linked = (contactId: string, leadId: string, attempt: number, created: boolean): ContactsEvent => ({
    type: 'ContactLinkedToLead',
    data: { contactId, leadId, attempt, created, at: at() },
  });
  const refused = (leadId: string, attempt: number, contactId: string): ContactsEvent => ({
    type: 'LeadLinkRefused',
    data: { leadId, attempt, contactId, reason: 'contact-erased', at: at() },
  });
  const leadOnceIt = async (leadId: string, status: string) => {
    await eventually(async () => (await api.get(`/v1/leads/${leadId}`)).body.status === status, `the lead is ${status}`, 60000);
    return (await api.get(`/v1/leads/${leadId}`).expect(200)).body;
  };
  const dealsOf = async (contactId: string) =>
    (await api.get('/v1/deals').query({ contactId }).expect(200)).body.items as { dealId: string }[];

  it('converts a lead into the contact created for it and opens its deal, once however often the reply comes', async () => {
    const leadId = await converting();
    await source.record(`contact-${leadId}`, [linked(leadId, leadId, 1, true)]);
    const converted = await leadOnceIt(leadId, 'converted');
    const dealId = dealIdOfLead(leadId);
    expect(converted).toMatchObject({ contactId: leadId, converted: { contactCreated: true, dealId } });
    const deal = await api.get(`/v1/deals/${dealId}`).expect(200);
    expect(deal.body).toMatchObject({
      contactId: leadId,
      pipelineId,
      stageId: first.stageId,
      title: 'Reporting module',
      value,
      ownerId,
    });

    // The same reply again (a second delivery): the lead settled, nothing more is decided. Then, on the same contact's
    // stream (so handled after it), a second lead of the same person linked to that contact.
    const secondLead = await converting({ contactId: leadId });
    await source.record(`contact-${leadId}`, [linked(leadId, leadId, 1, true), linked(leadId, secondLead, 1, false)]);
    await leadOnceIt(secondLead, 'converted');
    expect((await api.get(`/v1/leads/${leadId}`).expect(200)).body.revision).toBe(converted.revision);
    await eventually(async () => (await dealsOf(leadId)).length === 2, 'both deals are listed');
    expect(await dealsOf(leadId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dealId }),
        expect.objectContaining({ dealId: dealIdOfLead(secondLead) }),
      ]),
    );
    expect((await dealsOf(leadId)).filter((listed) => listed.dealId === dealId)).toHaveLength(1);

    // Converted: the person is a contact, erased as one; the lead takes no other course.
    const erase = await api.post(`/v1/leads/${leadId}/erase`, undefined, admin).expect(409);
    expect(erase.body).toMatchObject({ contactId: leadId });
    expect(erase.body.type).toMatch(/lead-has-contact$/);
    const again = await api.post(`/v1/leads/${leadId}/convert`, { pipelineId, title: 'Again', value }).expect(409);
    expect(again.body.type).toMatch(/lead-converted$/);

    // Contacts erases the contact, whose key is the lead's: the lead's person is gone from GET and the list, unasked.
    await api.app().get<PersonalDataVault>(PERSONAL_DATA_VAULT).erase(leadId);
    const erased = await api.get(`/v1/leads/${leadId}`).expect(200);
    expect(erased.body).toMatchObject({ status: 'converted', contactId: leadId });
    expect(erased.body.person).toBeUndefined();
    const listedConverted = async () =>
      ((await api.get('/v1/leads').query({ status: 'converted', ownerId }).expect(200)).body.items as { leadId: string }[]).find(
        (lead) => lead.leadId === leadId,
      );
    await eventually(async () => (await listedConverted()) !== undefined, 'listed as converted');
    const listed = (await listedConverted()) as { person?: unknown };
    expect(listed).toMatchObject({ leadId, status: 'converted', dealId });
    expect(listed.person).toBeUndefined();
  });

  it('links an existing contact, and completes a conversion whose deal was opened before a crash', async () => {
    const contactId = newId();
    const leadId = await converting({ contactId });
    // Sales stopped after opening the deal, before recording LeadConverted: the deal is there when the reply comes again.
    const dealId = dealIdOfLead(leadId);
    await api.post('/v1/deals', { dealId, contactId, pipelineId, title: 'Reporting module', value }).expect(201);
    await source.record(`contact-${contactId}`, [linked(contactId, leadId, 1, false)]);
    const converted = await leadOnceIt(leadId, 'converted');
    expect(converted).toMatchObject({ contactId, converted: { contactCreated: false, dealId } });
    expect((await api.get(`/v1/deals/${dealId}`).expect(200)).body.revision).toBe(0);
  });

  it('records a refused link as the attempt’s failure, and takes a new attempt; a late reply to the old one changes nothing', async () => {
    const erased = newId();
    const leadId = await converting({ contactId: erased });
    await source.record(`lead-link-${leadId}`, [refused(leadId, 1, erased)]);
    const failed = await leadOnceIt(leadId, 'conversion-failed');
    expect(failed.failure).toMatchObject({ attempt: 1, reason: 'contact-erased', detail: `Contact ${erased} was erased` });
    expect(failed.contactId).toBeUndefined();
    await eventually(
      async () =>
        (await api.get('/v1/leads').query({ status: 'conversion-failed', ownerId }).expect(200)).body.items.some(
          (lead: { leadId: string; failureReason?: string }) => lead.leadId === leadId && lead.failureReason === 'contact-erased',
        ),
      'listed as failed',
    );

    const retried = await api.post(`/v1/leads/${leadId}/convert`, { pipelineId, title: 'Reporting module', value }).expect(202);
    expect(retried.body).toMatchObject({ status: 'converting', conversion: { attempt: 2 } });
    expect(retried.body.failure).toBeUndefined();
    // A reply to attempt 1 arriving now, then the answer to attempt 2.
    await source.record(`contact-${erased}`, [linked(erased, leadId, 1, false)]);
    await source.record(`contact-${leadId}`, [linked(leadId, leadId, 2, true)]);
    const converted = await leadOnceIt(leadId, 'converted');
    expect(converted).toMatchObject({ contactId: leadId, converted: { contactCreated: true, dealId: dealIdOfLead(leadId) } });
  });

  it('records a deal its rules refuse as the attempt’s failure with the contact linked; a retry names that contact only', async () => {
    const { body } = await api
      .post('/v1/leads', { person: { name: { given: 'Grace', family: 'Hopper' } }, source: 'referral' })
      .expect(201);
    const leadId = body.leadId;
    await api.post(`/v1/leads/${leadId}/qualify`).expect(200);
    // A request whose pipeline the deal cannot open in, as a pipeline gone since the request would be: recorded as the
    // handler would, without its check at request time.
    const leads = api.app().get<RepositoryOf<typeof leadAggregate>>(repositoryToken(leadAggregate));
    const gone = newId();
    const deal = { title: 'Compilers', amount: value };
    await leads.handle(leadId, {
      type: 'ConvertLead',
      data: { leadId, pipelineId: gone, dealId: dealIdOfLead(leadId), deal, now: at() },
    });
    await source.record(`contact-${leadId}`, [linked(leadId, leadId, 1, true)]);
    const failed = await leadOnceIt(leadId, 'conversion-failed');
    expect(failed).toMatchObject({ contactId: leadId, failure: { attempt: 1, reason: 'deal-refused' } });
    expect(failed.failure.detail).toContain(gone);
    await api.get(`/v1/deals/${dealIdOfLead(leadId)}`).expect(404);

    const another = await api.post(`/v1/leads/${leadId}/convert`, { pipelineId, title: 'Compilers', value, contactId: newId() });
    expect(another.status).toBe(422);
    expect(another.body.type).toMatch(/lead-linked-to-another-contact$/);
    expect(another.body.errors.map((error: { field: string }) => error.field)).toEqual(['contactId']);
    const retried = await api.post(`/v1/leads/${leadId}/convert`, { pipelineId, title: 'Compilers', value }).expect(202);
    expect(retried.body.conversion).toMatchObject({ attempt: 2, contactId: leadId });
  });
});
