import { newId } from '@crm/eventsourcing';
import { eventually, expectProblem, salesApi, stages } from './support';

describe('sales API: deals', () => {
  const api = salesApi('deals');
  const [qualified, proposal, negotiation] = stages();
  const pipelineId = newId();
  const contactId = newId();
  beforeAll(async () => {
    await api.post('/v1/pipelines', { pipelineId, name: 'New business', stages: [qualified, proposal, negotiation] }).expect(201);
  });
  const value = { amountMinor: 1_250_000, currency: 'EUR' };
  const open = (body: object = {}) => api.post('/v1/deals', { contactId, pipelineId, title: 'Engines', value, ...body });

  it('opens a deal in the first stage, updates it, moves it, loses it with a reason, reopens and wins it', async () => {
    const opened = await open().expect(201);
    const { dealId } = opened.body;
    expect(opened.headers.location).toBe(`/v1/deals/${dealId}`);
    expect(opened.body).toMatchObject({ status: 'open', stageId: qualified.stageId, value, revision: 0 });
    // After the open was stored, before the update: what `asOf` reads back below.
    const afterOpen = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));

    const updated = await api
      .patch(`/v1/deals/${dealId}`, { title: 'Two engines', value: { amountMinor: 2_500_000, currency: 'EUR' } })
      .set('If-Match', '"0"')
      .expect(200);
    expect(updated.body).toMatchObject({ title: 'Two engines', value: { amountMinor: 2_500_000 }, revision: 1 });
    await api.post(`/v1/deals/${dealId}/stage`, { stageId: proposal.stageId }).expect(200);
    const lost = await api.post(`/v1/deals/${dealId}/lose`, { reason: ' Chose a competitor ' }).expect(200);
    expect(lost.body).toMatchObject({ status: 'lost', lostReason: 'Chose a competitor', stageId: proposal.stageId });
    await api.post(`/v1/deals/${dealId}/reopen`, { stageId: negotiation.stageId }).expect(200);
    const won = await api.post(`/v1/deals/${dealId}/win`).expect(200);
    expect(won.body).toMatchObject({ status: 'won', stageId: negotiation.stageId, revision: 5 });

    const asOpened = await api.get(`/v1/deals/${dealId}`).query({ asOf: afterOpen }).expect(200);
    expect(asOpened.body).toMatchObject({ status: 'open', title: 'Engines', revision: 0 });

    const board = await api
      .get('/v1/deals')
      .query({ pipelineId, stageId: negotiation.stageId, position: won.headers['position-token'] })
      .expect(200);
    expect(board.body.items).toEqual([
      expect.objectContaining({ dealId, status: 'won', stageHistory: expect.arrayContaining([expect.anything()]) }),
    ]);
  });

  it('produces an order from a won deal only, for its customer: an open, a lost, an unknown or another customer’s deal is a 422 naming dealId, and nothing is stored', async () => {
    const { body: product } = await api
      .post('/v1/products', {
        sku: `DEAL-${newId().slice(-8)}`,
        name: 'Engine',
        prices: [{ currency: 'EUR', amountMinor: 1_250_000 }],
      })
      .expect(201);
    const order = (dealId: string, customer = contactId, orderId = newId()) =>
      api.post('/v1/orders', {
        orderId,
        contactId: customer,
        dealId,
        currency: 'EUR',
        lines: [{ productId: product.productId, quantity: 1 }],
      });
    const { body: deal } = await open().expect(201);
    const refused = async (dealId: string, type: string, customer?: string) => {
      const orderId = newId();
      const response = await order(dealId, customer, orderId);
      expectProblem(response, 422, 'dealId');
      expect(response.body.type).toMatch(new RegExp(`${type}$`));
      await api.get(`/v1/orders/${orderId}`).expect(404);
    };
    await refused(deal.dealId, 'order-deal-not-won');
    await refused(newId(), 'order-deal-not-found');
    await api.post(`/v1/deals/${deal.dealId}/win`).expect(200);
    await refused(deal.dealId, 'order-deal-of-another-customer', newId());
    const placed = await order(deal.dealId).expect(201);
    expect(placed.body).toMatchObject({ dealId: deal.dealId, contactId, totalMinor: 1_250_000 });
    const { body: lost } = await open().expect(201);
    await api.post(`/v1/deals/${lost.dealId}/lose`, { reason: 'No budget' }).expect(200);
    await refused(lost.dealId, 'order-deal-not-won');
  });

  it('tells a deal’s history: each change with who and when, and the time spent in each stage', async () => {
    const { body } = await open({ title: 'Storied' }).expect(201);
    await api.patch(`/v1/deals/${body.dealId}`, { title: 'Two stories' }).expect(200);
    await api.post(`/v1/deals/${body.dealId}/stage`, { stageId: proposal.stageId }).expect(200);
    await api.post(`/v1/deals/${body.dealId}/win`).expect(200);

    const { body: history } = await api.get(`/v1/deals/${body.dealId}/history`).expect(200);
    expect(history.items.map((entry: { type: string }) => entry.type)).toEqual([
      'DealOpened',
      'DealUpdated',
      'DealStageChanged',
      'DealWon',
    ]);
    expect(history.items[1]).toMatchObject({
      revision: 1,
      actor: expect.any(String),
      changes: [{ field: 'title', old: 'Storied', new: 'Two stories' }],
    });
    expect(history.items[2].changes).toEqual(
      expect.arrayContaining([{ field: 'stageId', old: qualified.stageId, new: proposal.stageId }]),
    );
    const [first, second] = history.stages;
    expect(history.stages).toHaveLength(2);
    expect(first).toMatchObject({ stageId: qualified.stageId, name: 'Qualified', leftAt: second.enteredAt });
    expect(second).toMatchObject({ stageId: proposal.stageId, name: 'Proposal', leftAt: expect.any(String) });
    for (const stay of history.stages) expect(stay.durationMs).toBe(Date.parse(stay.leftAt) - Date.parse(stay.enteredAt));

    await api.get(`/v1/deals/${newId()}/history`).expect(404);
  });

  it('lists a customer’s open deals', async () => {
    const { body } = await open({ title: 'Listed' }).expect(201);
    await eventually(
      async () =>
        (await api.get('/v1/deals').query({ contactId, status: 'open' }).expect(200)).body.items.some(
          (deal: { dealId: string }) => deal.dealId === body.dealId,
        ),
      'the deal is listed',
    );
  });

  it('refuses to move, update or lose a closed deal (409), and changes nothing', async () => {
    const { body } = await open().expect(201);
    await api.post(`/v1/deals/${body.dealId}/win`).expect(200);
    const moved = await api.post(`/v1/deals/${body.dealId}/stage`, { stageId: proposal.stageId });
    expect(moved.status).toBe(409);
    expect(moved.body.type).toMatch(/deal-closed$/);
    await api.patch(`/v1/deals/${body.dealId}`, { title: 'After the fact' }).expect(409);
    await api.post(`/v1/deals/${body.dealId}/lose`, { reason: 'Too late' }).expect(409);
    expect((await api.get(`/v1/deals/${body.dealId}`).expect(200)).body).toMatchObject({ status: 'won', revision: 1 });
  });

  it('refuses a stage of another pipeline (422 naming stageId), and stores nothing', async () => {
    const [elsewhere] = stages();
    await api.post('/v1/pipelines', { name: 'Other', stages: [elsewhere] }).expect(201);
    const dealId = newId();
    expectProblem(await open({ dealId, stageId: elsewhere.stageId }), 422, 'stageId');
    await api.get(`/v1/deals/${dealId}`).expect(404);

    const { body } = await open().expect(201);
    expectProblem(await api.post(`/v1/deals/${body.dealId}/stage`, { stageId: elsewhere.stageId }), 422, 'stageId');
    expect((await api.get(`/v1/deals/${body.dealId}`).expect(200)).body.revision).toBe(0);
  });

  it('refuses an unknown currency, a negative or fractional amount, and an amount beyond exact integers (400 naming the field)', async () => {
    const dealId = newId();
    expectProblem(await open({ dealId, value: { amountMinor: 100, currency: 'XYZ' } }), 400, 'value.currency');
    expectProblem(await open({ dealId, value: { amountMinor: 100, currency: 'eur' } }), 400, 'value.currency');
    expectProblem(await open({ dealId, value: { amountMinor: -1, currency: 'EUR' } }), 400, 'value.amountMinor');
    expectProblem(await open({ dealId, value: { amountMinor: 12.5, currency: 'EUR' } }), 400, 'value.amountMinor');
    expectProblem(await open({ dealId, value: { amountMinor: 2 ** 53, currency: 'EUR' } }), 400, 'value.amountMinor');
    expectProblem(await open({ dealId, surprise: true }), 400, 'surprise');
    await api.get(`/v1/deals/${dealId}`).expect(404);
  });

  it('answers an unknown pipeline with 404', async () => {
    const response = await open({ pipelineId: newId() });
    expect(response.status).toBe(404);
    expect(response.body.type).toMatch(/pipeline-not-found$/);
  });
});
