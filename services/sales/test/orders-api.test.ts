import { newId } from '@crm/eventsourcing';
import { expectProblem, salesApi } from './support';

describe('sales API: orders', () => {
  const api = salesApi('orders');
  const contactId = newId();
  let engine: string;
  let cards: string;
  beforeAll(async () => {
    const product = async (sku: string, amountMinor: number) =>
      (await api.post('/v1/products', { sku, name: sku, prices: [{ currency: 'EUR', amountMinor }] }).expect(201)).body
        .productId as string;
    const run = Date.now();
    engine = await product(`ENG-${run}`, 1799);
    cards = await product(`CARDS-${run}`, 4400);
  });

  const place = (body: object) => api.post('/v1/orders', { contactId, currency: 'EUR', ...body });

  it('places an order priced from the products, pays, fulfils and refunds it by line, and shows it in the history', async () => {
    const engineLine = newId();
    const placed = await place({
      lines: [
        { lineId: engineLine, productId: engine, quantity: 3, discount: { basisPoints: 1000 } },
        { productId: cards, quantity: 1, unitPriceMinor: 4000 },
      ],
    }).expect(201);
    const { orderId } = placed.body;
    expect(placed.headers.location).toBe(`/v1/orders/${orderId}`);
    // 3 × 17.99 = 53.97, less 10 % (5.40, half up) = 48.57; and 40.00 agreed: 88.57.
    expect(placed.body).toMatchObject({ status: 'placed', currency: 'EUR', totalMinor: 8857, refundedMinor: 0 });

    await api.post(`/v1/orders/${orderId}/cancel`, { reason: 'Changed my mind' }).expect(200);
    const other = await place({ lines: [{ lineId: engineLine, productId: engine, quantity: 3 }] }).expect(201);
    const id = other.body.orderId;
    await api.post(`/v1/orders/${id}/pay`).expect(200);
    const asPaid = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await api.post(`/v1/orders/${id}/fulfil`).expect(200);
    const refunded = await api
      .post(`/v1/orders/${id}/refunds`, { lines: [{ lineId: engineLine, quantity: 1 }], reason: 'damaged' })
      .expect(200);
    expect(refunded.body).toMatchObject({ status: 'fulfilled', refundedMinor: 1799 });
    const rest = await api.post(`/v1/orders/${id}/refunds`, { lines: [{ lineId: engineLine, quantity: 2 }] }).expect(200);
    expect(rest.body).toMatchObject({ status: 'refunded', refundedMinor: 5397 });
    // As it was when paid, before the fulfilment and the refunds.
    const then = await api.get(`/v1/orders/${id}`).query({ asOf: asPaid }).expect(200);
    expect(then.body).toMatchObject({ status: 'paid', refundedMinor: 0, revision: 1 });

    const history = await api
      .get(`/v1/purchase-history/${contactId}`)
      .query({ position: rest.headers['position-token'] })
      .expect(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({ orderId: id, status: 'refunded', refundedMinor: 5397 }),
      expect.objectContaining({ orderId, status: 'cancelled', totalMinor: 8857 }),
    ]);

    // Its own history, event by event: the refund moved its status and what is refunded.
    const { body: changes } = await api.get(`/v1/orders/${id}/history`).expect(200);
    expect(changes.items.map((entry: { type: string }) => entry.type)).toEqual([
      'OrderPlaced',
      'OrderPaid',
      'OrderFulfilled',
      'OrderRefunded',
      'OrderRefunded',
    ]);
    expect(changes.items[4].changes).toContainEqual({ field: 'status', old: 'fulfilled', new: 'refunded' });
    await api.get(`/v1/orders/${newId()}/history`).expect(404);
  });

  it('answers retries of an order with the same Idempotency-Key with the first result: one order, placed once', async () => {
    const key = `order-${Date.now()}`;
    const body = { lines: [{ productId: engine, quantity: 2 }] };
    const responses = await Promise.all([1, 2, 3].map(() => place(body).set('Idempotency-Key', key)));
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201]);
    for (const response of responses) expect(response.body).toEqual(responses[0].body);
    expect((await api.get(`/v1/orders/${responses[0].body.orderId}`).expect(200)).body.revision).toBe(0);
    await place({ lines: [{ productId: engine, quantity: 3 }] })
      .set('Idempotency-Key', key)
      .expect(422);
  });

  it('refuses an unknown currency, a negative quantity and a fractional price (400 naming the field), storing nothing', async () => {
    const orderId = newId();
    expectProblem(await place({ orderId, currency: 'ABC', lines: [{ productId: engine, quantity: 1 }] }), 400, 'currency');
    expectProblem(await place({ orderId, lines: [{ productId: engine, quantity: -2 }] }), 400, 'lines[0].quantity');
    expectProblem(
      await place({ orderId, lines: [{ productId: engine, quantity: 1, unitPriceMinor: 1.5 }] }),
      400,
      'lines[0].unitPriceMinor',
    );
    await api.get(`/v1/orders/${orderId}`).expect(404);
  });

  it('refuses amounts beyond exact integers, an unknown product and no price in the currency (422 naming the field)', async () => {
    const orderId = newId();
    const huge = Number.MAX_SAFE_INTEGER;
    expectProblem(await place({ orderId, lines: [{ productId: engine, quantity: 2, unitPriceMinor: huge }] }), 422, 'lines[0]');
    expectProblem(
      await place({
        orderId,
        lines: [
          { productId: engine, quantity: 1, unitPriceMinor: huge },
          { productId: cards, quantity: 1, unitPriceMinor: huge },
        ],
      }),
      422,
      'subtotalMinor',
    );
    expectProblem(await place({ orderId, lines: [{ productId: newId(), quantity: 1 }] }), 422, 'lines[0].productId');
    // A percentage and an amount: which discount was meant cannot be known.
    expectProblem(
      await place({ orderId, lines: [{ productId: engine, quantity: 1, discount: { basisPoints: 10, amountMinor: 1 } }] }),
      422,
      'lines[0].discount',
    );
    expectProblem(
      await place({ orderId, currency: 'CHF', lines: [{ productId: engine, quantity: 1 }] }),
      422,
      'lines[0].unitPriceMinor',
    );
    await api.get(`/v1/orders/${orderId}`).expect(404);
  });

  it('refuses to cancel a paid order, to refund more than is left, and to pay twice (409/422), changing nothing', async () => {
    const lineId = newId();
    const { body } = await place({ lines: [{ lineId, productId: engine, quantity: 1 }] }).expect(201);
    await api.post(`/v1/orders/${body.orderId}/pay`).expect(200);
    expect((await api.post(`/v1/orders/${body.orderId}/pay`)).status).toBe(409);
    expect((await api.post(`/v1/orders/${body.orderId}/cancel`, { reason: 'too late' })).status).toBe(409);
    expectProblem(
      await api.post(`/v1/orders/${body.orderId}/refunds`, { lines: [{ lineId, quantity: 2 }] }),
      422,
      'lines[0].quantity',
    );
    expect((await api.get(`/v1/orders/${body.orderId}`).expect(200)).body).toMatchObject({ status: 'paid', revision: 1 });
  });
});
