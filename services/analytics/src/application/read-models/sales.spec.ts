import { projectionSpec } from '@crm/projections/testing';
import { ADA } from '../../testing/events';
import { dealHistoriesProjection, orderRevenueProjection, salesPipelinesProjection } from './sales';

const PIPELINE = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01';
const QUALIFIED = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01';
const DEAL = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c3d01';
const ORDER = '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a81';

describe('the sales read models', () => {
  it('keep a pipeline by its id, renamed, with its stage lists dated', () => {
    const stages = [{ stageId: QUALIFIED, name: 'Qualified', winProbability: 10 }];
    projectionSpec(salesPipelinesProjection)
      .given([
        { type: 'PipelineCreated', data: { pipelineId: PIPELINE, name: 'New business', stages, at: '2025-01-06T09:00:00Z' } },
        { type: 'PipelineRenamed', data: { pipelineId: PIPELINE, name: 'New customers', at: '2025-02-03T10:00:00Z' } },
      ])
      .then({
        [PIPELINE]: {
          pipelineId: PIPELINE,
          name: 'New customers',
          stageLists: [{ from: '2025-01-06T09:00:00.000Z', value: stages }],
        },
      });
  });

  it('keep a deal by its id, from the events of its stream', () => {
    projectionSpec(dealHistoriesProjection)
      .given([
        {
          type: 'DealOpened',
          data: {
            dealId: DEAL,
            pipelineId: PIPELINE,
            stageId: QUALIFIED,
            contactId: ADA,
            title: 'Seats',
            value: { amountMinor: 100, currency: 'EUR' },
            at: '2025-01-15T10:30:00Z',
          },
        },
        { type: 'DealLost', data: { dealId: DEAL, contactId: ADA, reason: 'Price', at: '2025-01-20T00:00:00Z' } },
      ])
      .then({
        [DEAL]: {
          dealId: DEAL,
          pipelineId: PIPELINE,
          contactId: ADA,
          openedAt: '2025-01-15T10:30:00.000Z',
          status: 'lost',
          closedAt: '2025-01-20T00:00:00.000Z',
          stays: [{ stageId: QUALIFIED, from: '2025-01-15T10:30:00.000Z', to: '2025-01-20T00:00:00.000Z' }],
          values: [{ from: '2025-01-15T10:30:00.000Z', value: { amountMinor: 100, currency: 'EUR' } }],
          owners: [{ from: '2025-01-15T10:30:00.000Z', value: null }],
        },
      });
  });

  it('keep an order by its id, with what revenue counts and nothing personal', () => {
    const line = { lineId: '0193a1c2-6e00-7a10-8b20-3c4d5e6f7a82', productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a70' };
    projectionSpec(orderRevenueProjection)
      .given([
        {
          type: 'OrderPlaced',
          data: {
            orderId: ORDER,
            contactId: ADA,
            currency: 'EUR',
            lines: [
              {
                ...line,
                sku: 'ENG-2',
                name: 'Difference Engine',
                quantity: 1,
                unitPriceMinor: 500,
                discountMinor: 0,
                totalMinor: 500,
              },
            ],
            subtotalMinor: 500,
            discountMinor: 0,
            totalMinor: 500,
            at: '2025-02-10T14:00:00Z',
          },
        },
        {
          type: 'OrderPaid',
          data: { orderId: ORDER, contactId: ADA, amountMinor: 500, currency: 'EUR', at: '2025-02-10T14:05:00Z' },
        },
      ])
      .then({
        [ORDER]: {
          orderId: ORDER,
          contactId: ADA,
          currency: 'EUR',
          lines: [{ ...line, totalMinor: 500 }],
          paidAt: '2025-02-10T14:05:00.000Z',
          refunds: [],
        },
      });
  });
});
