import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { Pool } from 'pg';
import { DEV_PII_MASTER_KEY } from '@crm/platform';
import { parseMasterKey, PostgresSubjectKeyStore } from '@crm/privacy';
import { newId } from '@crm/eventsourcing';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { dealIdOfLead } from '../src/application/commands/leads';
import { admin, eventually, expectProblem, salesApi, stages } from './support';

describe('sales API: leads', () => {
  const api = salesApi('leads');
  const pipelineId = newId();
  const ownerId = newId();
  beforeAll(async () => {
    await api.post('/v1/pipelines', { pipelineId, name: 'New business', stages: stages() }).expect(201);
  });

  // Plaintext that the read model must never hold: it keeps the person sealed.
  const tag = randomBytes(4).toString('hex');
  const person = (name = 'Lovelace') => ({
    name: { given: ' Ada ', family: `${name}${tag}` },
    email: `Ada.${name}.${tag}@Example.com`,
    phone: '+442071234567',
  });
  const create = (body: object = {}) => api.post('/v1/leads', { person: person(), source: 'campaign', ...body });
  const conversion = { pipelineId, title: 'Reporting module', value: { amountMinor: 1_250_000, currency: 'EUR' } };
  const qualified = async (body: object = {}): Promise<string> => {
    const { body: lead } = await create(body).expect(201);
    await api.post(`/v1/leads/${lead.leadId}/qualify`).expect(200);
    return lead.leadId;
  };
  const listed = async (query: Record<string, string>) => (await api.get('/v1/leads').query(query).expect(200)).body.items;

  it('creates a lead, qualifies, owns, disqualifies and qualifies it again; a repeat changes nothing', async () => {
    const created = await create({ companyName: ' Analytical Engines ', notes: 'Wants a demo', ownerId }).expect(201);
    const { leadId } = created.body;
    expect(created.headers.location).toBe(`/v1/leads/${leadId}`);
    expect(created.headers.etag).toBe('"0"');
    expect(created.body).toMatchObject({
      status: 'new',
      person: {
        name: { given: 'Ada', family: `Lovelace${tag}` },
        email: `ada.lovelace.${tag}@example.com`,
        phone: '+442071234567',
      },
      companyName: 'Analytical Engines',
      source: 'campaign',
      ownerId,
      revision: 0,
    });
    const afterCreate = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));

    await api.post(`/v1/leads/${leadId}/qualify`).set('If-Match', '"0"').expect(200);
    const again = await api.post(`/v1/leads/${leadId}/qualify`).expect(200);
    expect(again.body).toMatchObject({ status: 'qualified', revision: 1 });
    const sameOwner = await api.post(`/v1/leads/${leadId}/owner`, { ownerId }).expect(200);
    expect(sameOwner.body.revision).toBe(1);
    const otherOwner = newId();
    await api.post(`/v1/leads/${leadId}/owner`, { ownerId: otherOwner }).expect(200);
    const disqualified = await api.post(`/v1/leads/${leadId}/disqualify`, { reason: 'no-budget', note: ' Frozen ' }).expect(200);
    expect(disqualified.body).toMatchObject({
      status: 'disqualified',
      ownerId: otherOwner,
      disqualification: { reason: 'no-budget', note: 'Frozen' },
      revision: 3,
    });
    await api.post(`/v1/leads/${leadId}/disqualify`, { reason: 'no-budget', note: 'Frozen' }).expect(200);
    const requalified = await api.post(`/v1/leads/${leadId}/qualify`).expect(200);
    expect(requalified.body).toMatchObject({ status: 'qualified', revision: 4 });
    expect(requalified.body.disqualification).toBeUndefined();

    const asCreated = await api.get(`/v1/leads/${leadId}`).query({ asOf: afterCreate }).expect(200);
    expect(asCreated.body).toMatchObject({ status: 'new', ownerId, revision: 0 });
    const now = await api.get(`/v1/leads/${leadId}`).expect(200);
    expect(now.headers.etag).toBe('"4"');
    const stale = await api.post(`/v1/leads/${leadId}/owner`, { ownerId }).set('If-Match', '"3"');
    expect(stale.status).toBe(412);

    // Its history: every change once (the repeats recorded nothing), who made it, and the fields it changed.
    const { body: history } = await api.get(`/v1/leads/${leadId}/history`).expect(200);
    expect(history.items.map((entry: { type: string }) => entry.type)).toEqual([
      'LeadCreated',
      'LeadQualified',
      'LeadOwnerAssigned',
      'LeadDisqualified',
      'LeadQualified',
    ]);
    expect(history.items[0]).toMatchObject({ revision: 0, actor: expect.any(String) });
    expect(history.items[2].changes).toContainEqual({ field: 'ownerId', old: ownerId, new: otherOwner });
    expect(history.items[1].changes).toContainEqual({ field: 'status', old: 'new', new: 'qualified' });
    await api.get(`/v1/leads/${newId()}/history`).expect(404);
  });

  it('takes a client id once (409 after), and answers a retry with the same Idempotency-Key with the first result', async () => {
    const leadId = newId();
    await create({ leadId }).expect(201);
    const twice = await create({ leadId }).expect(409);
    expect(twice.body.type).toMatch(/lead-already-exists$/);

    const key = `lead-${Date.now()}`;
    const [first, retry] = await Promise.all([1, 2].map(() => create().set('Idempotency-Key', key)));
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.leadId).toBe(first.body.leadId);
  });

  it('refuses what is not a lead: a bad source, e-mail or phone (400), an unknown id (404)', async () => {
    expectProblem(await create({ source: 'cold-call' }), 400, 'source');
    expectProblem(await create({ person: { ...person(), email: 'not-an-address' } }), 400, 'person.email');
    expectProblem(await create({ person: { ...person(), phone: '020 7123 4567' } }), 400, 'person.phone');
    expectProblem(await create({ person: { name: { given: ' ', family: 'X' } } }), 400, 'person.name.given');
    const missing = await api.get(`/v1/leads/${newId()}`).expect(404);
    expect(missing.body.type).toMatch(/lead-not-found$/);
    expectProblem(await api.post(`/v1/leads/${newId()}/disqualify`, { reason: 'too-expensive' }), 400, 'reason');
  });

  it('converts only a qualified lead: new or disqualified is a 409, an unknown pipeline a 422 naming it', async () => {
    const { body: fresh } = await create().expect(201);
    const notQualified = await api.post(`/v1/leads/${fresh.leadId}/convert`, conversion).expect(409);
    expect(notQualified.body.type).toMatch(/lead-not-qualified$/);
    await api.post(`/v1/leads/${fresh.leadId}/disqualify`, { reason: 'spam' }).expect(200);
    const disqualified = await api.post(`/v1/leads/${fresh.leadId}/convert`, conversion).expect(409);
    expect(disqualified.body.type).toMatch(/lead-disqualified$/);

    const leadId = await qualified();
    const unknownPipeline = await api.post(`/v1/leads/${leadId}/convert`, { ...conversion, pipelineId: newId() });
    expectProblem(unknownPipeline, 422, 'pipelineId');
    expect(unknownPipeline.body.type).toMatch(/conversion-pipeline-not-found$/);
    expectProblem(
      await api.post(`/v1/leads/${leadId}/convert`, { ...conversion, value: { amountMinor: 1.5, currency: 'EUR' } }),
      400,
      'value.amountMinor',
    );
    expectProblem(await api.post(`/v1/leads/${leadId}/convert`, { ...conversion, title: ' ' }), 400, 'title');
  });

  it('answers a conversion with 202 and the lead converting; the same request again changes nothing, another is refused', async () => {
    const leadId = await qualified({ ownerId });
    const converting = await api.post(`/v1/leads/${leadId}/convert`, conversion).expect(202);
    expect(converting.body).toMatchObject({
      status: 'converting',
      conversion: {
        attempt: 1,
        pipelineId,
        dealId: dealIdOfLead(leadId),
        ownerId,
        deal: { title: 'Reporting module', amount: conversion.value },
      },
      revision: 2,
    });
    expect(converting.body.conversion.contactId).toBeUndefined();
    const same = await api.post(`/v1/leads/${leadId}/convert`, conversion).expect(202);
    expect(same.body.revision).toBe(2);

    const other = await api.post(`/v1/leads/${leadId}/convert`, { ...conversion, contactId: newId() }).expect(409);
    expect(other.body).toMatchObject({ attempt: 1 });
    expect(other.body.type).toMatch(/lead-conversion-in-progress$/);
    const requalify = await api.post(`/v1/leads/${leadId}/qualify`).expect(409);
    expect(requalify.body.type).toMatch(/lead-conversion-in-progress$/);
    const disqualify = await api.post(`/v1/leads/${leadId}/disqualify`, { reason: 'no-need' }).expect(409);
    expect(disqualify.body.type).toMatch(/lead-conversion-in-progress$/);
    const erase = await api.post(`/v1/leads/${leadId}/erase`, undefined, admin).expect(409);
    expect(erase.body.type).toMatch(/lead-conversion-in-progress$/);

    const written = await api.get(`/v1/leads/${leadId}`).expect(200);
    expect(written.body).toMatchObject({ status: 'converting', revision: 2 });
    await eventually(
      async () => (await listed({ status: 'converting', ownerId })).some((lead: { leadId: string }) => lead.leadId === leadId),
      'the lead is listed as converting',
    );
  });

  it('lists leads by status, owner, source and dates, opening the person that the read model keeps sealed', async () => {
    const owner = newId();
    const { body: lead, headers } = await create({ ownerId: owner, source: 'referral', notes: `Met at the fair ${tag}` }).expect(
      201,
    );
    const items = (
      await api
        .get('/v1/leads')
        .query({ ownerId: owner, source: 'referral', 'createdAt[gte]': lead.createdAt, position: headers['position-token'] })
        .expect(200)
    ).body.items;
    expect(items).toEqual([
      expect.objectContaining({
        leadId: lead.leadId,
        status: 'new',
        person: lead.person,
        notes: `Met at the fair ${tag}`,
        source: 'referral',
        ownerId: owner,
      }),
    ]);
    expect(await listed({ ownerId: owner, source: 'web' })).toEqual([]);
    expectProblem(await api.get('/v1/leads').query({ 'person.email': 'x' }), 400, 'person.email');

    const documents = await api.app().get<Connection>(READ_MODELS).db!.collection('lead_list').find({}).toArray();
    expect(documents.length).toBeGreaterThan(0);
    expect(JSON.stringify(documents)).not.toContain(tag);
  });

  it('refuses a new lead under the id of a person erased before (a contact of the shared key store): 410, nothing stored', async () => {
    const leadId = newId();
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    try {
      await new PostgresSubjectKeyStore(pool, parseMasterKey(DEV_PII_MASTER_KEY), api.schema).erase(leadId);
    } finally {
      await pool.end();
    }
    const refused = await create({ leadId }).expect(410);
    expect(refused.body.type).toMatch(/subject-erased$/);
    await api.get(`/v1/leads/${leadId}`).expect(404);
  });

  it('erases a lead that never became a contact (admin only): the key first, then LeadErased; repeating it is harmless', async () => {
    const leadId = await qualified({ ownerId, notes: `Call back ${tag}` });
    await api.post(`/v1/leads/${leadId}/disqualify`, { reason: 'unreachable', note: `Moved away ${tag}` }).expect(200);
    const written = await api.get(`/v1/leads/${leadId}`).expect(200);
    await eventually(
      async () => (await listed({ ownerId })).some((lead: { leadId: string }) => lead.leadId === leadId),
      'listed',
    );

    await api.post(`/v1/leads/${leadId}/erase`).expect(403);
    await api.post(`/v1/leads/${leadId}/erase`, undefined, admin).expect(204);
    await api.post(`/v1/leads/${leadId}/erase`, undefined, admin).expect(204);
    await api.post(`/v1/leads/${newId()}/erase`, undefined, admin).expect(404);

    const erased = await api.get(`/v1/leads/${leadId}`).expect(200);
    expect(erased.body).toEqual({
      leadId,
      status: 'erased',
      createdAt: written.body.createdAt,
      erasedAt: expect.any(String),
      revision: written.body.revision + 1,
    });
    // As it was before: the sealed values open as nothing, their key is gone.
    const before = await api.get(`/v1/leads/${leadId}`).query({ asOf: written.body.updatedAt }).expect(200);
    expect(before.body.person).toBeUndefined();
    // Its history keeps what happened, not who it was about.
    const { body: history } = await api.get(`/v1/leads/${leadId}/history`).expect(200);
    expect(history.items.map((entry: { type: string }) => entry.type).at(-1)).toBe('LeadErased');
    expect(JSON.stringify(history)).not.toContain(tag);
    const gone = await api.post(`/v1/leads/${leadId}/qualify`).expect(410);
    expect(gone.body.type).toMatch(/lead-erased$/);
    await create({ leadId }).expect(409);
    await eventually(
      async () => (await listed({ status: 'erased', ownerId })).some((lead: { leadId: string }) => lead.leadId === leadId),
      'listed as erased',
    );
    const [item] = (await listed({ status: 'erased', ownerId })).filter((lead: { leadId: string }) => lead.leadId === leadId);
    expect(item).toMatchObject({ leadId, status: 'erased', disqualificationReason: 'unreachable' });
    expect(item.person).toBeUndefined();
    expect(item.notes).toBeUndefined();
    expect(item.disqualificationNote).toBeUndefined();
  });
});
