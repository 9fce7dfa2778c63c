import type { Type } from '@nestjs/common';
import type request from 'supertest';
import { newId } from '@crm/eventsourcing';
import { edgeInputs, fieldPathsOf } from '@crm/platform/nest/testing';
import { LoseDealDto, OpenDealDto, UpdateDealDto } from '../src/application/inputs/deal.dto';
import { CancelOrderDto, PlaceOrderDto, RefundOrderDto } from '../src/application/inputs/order.dto';
import { CreatePipelineDto } from '../src/application/inputs/pipeline.dto';
import { CreateProductDto, UpdateProductDto } from '../src/application/inputs/product.dto';
import { salesApi, stages } from './support';

/** Values worth trying in particular fields, beside null, other types and variations of the valid value. */
const FIELD_EDGES: Record<string, readonly unknown[]> = {
  'value.currency': ['XXX', 'XTS', 'eur', 'EURO', 'ZWL'],
  'value.amountMinor': [0, -0, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e21, 0.1],
  currency: ['XXX', 'eur', 'ABC'],
  'prices[0].currency': ['XXX', 'eur'],
  'prices[0].amountMinor': [Number.MAX_SAFE_INTEGER, -1, 1.5],
  'lines[0].quantity': [0, -1, 1_000_000, 1_000_001, 2.5],
  'lines[0].unitPriceMinor': [Number.MAX_SAFE_INTEGER, -1, 0],
  'lines[0].discount': [{}, { basisPoints: 10_000 }, { amountMinor: Number.MAX_SAFE_INTEGER }],
  expectedCloseDate: ['2025-02-30', '2025-13-01', '0000-01-01', '2025-1-1'],
  sku: ['a b', '-x', 'X'.repeat(65), 'é'],
  title: ['  ', '\u2028'],
  reason: ['  '],
};

interface WriteRoute {
  name: string;
  dto: Type<object>;
  /** A valid body with every field the DTO has. */
  body: Record<string, unknown>;
  /** Fields the body leaves out because it holds their alternative (a discount is a percentage or an amount). */
  alternatives?: string[];
  /** The request for one case: fresh ids where a repeat would only find the first write (and check nothing). */
  send: (body: Record<string, unknown>, field: string) => request.Test;
}

/**
 * The sales service against hostile and careless input: whatever request validation lets through must be something
 * the domain and the event contracts take, so no input reaches the contract check (which answers 500).
 */
describe('sales API inputs', () => {
  const api = salesApi('inputs');
  const topField = (field: string) => field.split(/[.[]/)[0];

  it('answers every write route 400, 404, 409, 422 or success, never 500, for null and edge values in every field', async () => {
    const pipelineStages = stages();
    const pipelineId = (await api.post('/v1/pipelines', { name: 'Inputs', stages: pipelineStages }).expect(201)).body
      .pipelineId as string;
    const contactId = newId();
    const value = { amountMinor: 100_000, currency: 'EUR' };
    const deal = (await api.post('/v1/deals', { contactId, pipelineId, title: 'Engines', value }).expect(201)).body
      .dealId as string;
    const product = (await api.post('/v1/products', { sku: `IN-${Date.now()}`, name: 'Engine', prices: [value] }).expect(201))
      .body.productId as string;
    const lineId = newId();
    const paidOrder = async () => {
      const { body } = await api
        .post('/v1/orders', { contactId, currency: 'EUR', lines: [{ lineId, productId: product, quantity: 5 }] })
        .expect(201);
      await api.post(`/v1/orders/${body.orderId}/pay`).expect(200);
      return body.orderId as string;
    };
    const refundable = await paidOrder();

    const routes: WriteRoute[] = [
      {
        name: 'POST /v1/pipelines',
        dto: CreatePipelineDto,
        body: { pipelineId: newId(), name: 'New business', stages: pipelineStages },
        send: (body, field) => api.post('/v1/pipelines', field === 'pipelineId' ? body : { ...body, pipelineId: newId() }),
      },
      {
        name: 'POST /v1/deals',
        dto: OpenDealDto,
        body: {
          dealId: newId(),
          contactId,
          pipelineId,
          stageId: pipelineStages[1].stageId,
          title: 'Engines',
          value,
          companyId: newId(),
          ownerId: newId(),
          expectedCloseDate: '2025-06-30',
        },
        send: (body, field) => api.post('/v1/deals', field === 'dealId' ? body : { ...body, dealId: newId() }),
      },
      {
        name: 'PATCH /v1/deals/{id}',
        dto: UpdateDealDto,
        body: {
          title: 'More engines',
          value,
          companyId: newId(),
          ownerId: newId(),
          expectedCloseDate: '2025-07-01',
          clear: ['ownerId'],
        },
        send: (body, field) => api.patch(`/v1/deals/${deal}`, { [topField(field)]: body[topField(field)] }),
      },
      {
        name: 'POST /v1/deals/{id}/lose',
        dto: LoseDealDto,
        body: { reason: 'Chose a competitor' },
        // A fresh deal each time: a lost deal refuses the next loss.
        send: (body) => api.post(`/v1/deals/${newId()}/lose`, body),
      },
      {
        name: 'POST /v1/products',
        dto: CreateProductDto,
        body: { sku: 'ENG-1', name: 'Engine', prices: [value] },
        send: (body, field) => api.post('/v1/products', field === 'sku' ? body : { ...body, sku: `P-${newId()}` }),
      },
      {
        name: 'PATCH /v1/products/{id}',
        dto: UpdateProductDto,
        body: { name: 'Engine 2', prices: [value] },
        send: (body, field) => api.patch(`/v1/products/${product}`, { [topField(field)]: body[topField(field)] }),
      },
      {
        name: 'POST /v1/orders',
        dto: PlaceOrderDto,
        body: {
          orderId: newId(),
          contactId,
          dealId: deal,
          currency: 'EUR',
          lines: [{ lineId: newId(), productId: product, quantity: 2, unitPriceMinor: 1000, discount: { basisPoints: 500 } }],
        },
        alternatives: ['lines[0].discount.amountMinor'],
        send: (body, field) => api.post('/v1/orders', field === 'orderId' ? body : { ...body, orderId: newId() }),
      },
      {
        name: 'POST /v1/orders, an amount off',
        dto: PlaceOrderDto,
        body: {
          orderId: newId(),
          contactId,
          dealId: deal,
          currency: 'EUR',
          lines: [{ lineId: newId(), productId: product, quantity: 2, unitPriceMinor: 1000, discount: { amountMinor: 150 } }],
        },
        alternatives: ['lines[0].discount.basisPoints'],
        send: (body, field) => api.post('/v1/orders', field === 'orderId' ? body : { ...body, orderId: newId() }),
      },
      {
        name: 'POST /v1/orders/{id}/cancel',
        dto: CancelOrderDto,
        body: { reason: 'duplicate order' },
        send: (body) => api.post(`/v1/orders/${newId()}/cancel`, body),
      },
      {
        name: 'POST /v1/orders/{id}/refunds',
        dto: RefundOrderDto,
        body: { refundId: newId(), lines: [{ lineId, quantity: 1 }], reason: 'damaged' },
        send: (body, field) =>
          api.post(`/v1/orders/${refundable}/refunds`, field === 'refundId' ? body : { ...body, refundId: newId() }),
      },
    ];

    const failures: string[] = [];
    let cases = 0;
    for (const route of routes) {
      expect({ route: route.name, missing: fieldPathsOf(route.dto, route.body).missing }).toEqual({
        route: route.name,
        missing: route.alternatives ?? [],
      });
      for (const { field, value: edge, body } of edgeInputs(route.dto, route.body, FIELD_EDGES)) {
        const response = await route.send(body as Record<string, unknown>, field);
        cases++;
        if (![200, 201, 204, 400, 404, 409, 422].includes(response.status)) {
          failures.push(`${route.name} ${field}=${JSON.stringify(edge)?.slice(0, 80)}: ${response.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(500);
  }, 300_000);
});
