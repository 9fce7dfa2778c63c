import { newId } from '@crm/eventsourcing';
import { analyst, eventually, expectProblem, salesApi } from './support';

describe('sales API: products', () => {
  const api = salesApi('products');
  const sku = () => `ENG-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const prices = [
    { currency: 'EUR', amountMinor: 129_900 },
    { currency: 'JPY', amountMinor: 21_000 },
  ];

  it('creates a product with its id derived from the SKU, updates, retires and reactivates it, and lists it', async () => {
    const code = sku();
    const created = await api.post('/v1/products', { sku: code, name: 'Difference Engine', prices }).expect(201);
    const { productId } = created.body;
    expect(created.headers.location).toBe(`/v1/products/${productId}`);
    expect(created.body).toMatchObject({ status: 'active', sku: code, prices, revision: 0 });
    const asCreated = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));

    await api
      .patch(`/v1/products/${productId}`, { name: 'Difference Engine No. 2', prices: [prices[0]] })
      .set('If-Match', '"0"')
      .expect(200);
    expect((await api.post(`/v1/products/${productId}/retire`).expect(200)).body.status).toBe('retired');
    await api.patch(`/v1/products/${productId}`, { name: 'Renamed while retired' }).expect(409);
    const reactivated = await api.post(`/v1/products/${productId}/reactivate`).expect(200);
    expect(reactivated.body).toMatchObject({ status: 'active', name: 'Difference Engine No. 2', revision: 3 });
    const { body: history } = await api.get(`/v1/products/${productId}/history`).expect(200);
    expect(history.items.map((entry: { type: string }) => entry.type)).toEqual([
      'ProductCreated',
      'ProductUpdated',
      'ProductRetired',
      'ProductReactivated',
    ]);
    expect(history.items[2].changes).toEqual([{ field: 'status', old: 'active', new: 'retired' }]);
    // As it was when created: its first name and prices, from its own events.
    const then = await api.get(`/v1/products/${productId}`).query({ asOf: asCreated }).expect(200);
    expect(then.body).toMatchObject({ name: 'Difference Engine', prices, revision: 0 });

    const listed = await api
      .get('/v1/products')
      .query({ sku: code, position: reactivated.headers['position-token'] })
      .expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ productId, status: 'active', currencies: ['EUR'] })]);
  });

  it('refuses a second product with the SKU, in any case (409 naming sku), and keeps the first', async () => {
    const code = sku();
    const first = await api.post('/v1/products', { sku: code, name: 'First', prices }).expect(201);
    const again = await api.post('/v1/products', { sku: code.toLowerCase(), name: 'Second', prices: [] });
    expectProblem(again, 409, 'sku');
    expect((await api.get(`/v1/products/${first.body.productId}`).expect(200)).body).toMatchObject({
      name: 'First',
      revision: 0,
    });
  });

  it('refuses an unknown currency and a negative price (400), two prices in one currency (422), naming the field, and stores nothing', async () => {
    const code = sku();
    const create = (body: object) => api.post('/v1/products', { sku: code, name: 'Bad', ...body });
    expectProblem(await create({ prices: [{ currency: 'XXY', amountMinor: 100 }] }), 400, 'prices[0].currency');
    expectProblem(await create({ prices: [{ currency: 'EUR', amountMinor: -100 }] }), 400, 'prices[0].amountMinor');
    expectProblem(await create({ prices: [prices[0], { currency: 'EUR', amountMinor: 1 }] }), 422, 'prices[1].currency');
    expectProblem(await create({ sku: 'no spaces', prices }), 400, 'sku');
    // Created now, so the refusals above stored nothing.
    await create({ prices }).expect(201);
  });

  it('answers an unknown product with 404 and lets analysts read, not write', async () => {
    await api.get(`/v1/products/${newId()}`).expect(404);
    await api.post('/v1/products', { sku: sku(), name: 'Theirs', prices }, analyst).expect(403);
    await eventually(async () => (await api.get('/v1/products').expect(200)).body.items.length > 0, 'analysts see the list');
  });
});
