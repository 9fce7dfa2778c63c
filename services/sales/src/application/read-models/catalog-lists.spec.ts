import { PipelineCreated, PipelineRenamed, PipelineStagesChanged, ProductCreated, ProductRetired } from '@crm/contracts';
import { projectionSpec } from '@crm/projections/testing';
import { pipelineListProjection, productListProjection } from './catalog-lists';

const created = { type: 'PipelineCreated', data: PipelineCreated.example };

describe('pipeline list', () => {
  it('lists a pipeline with its name and stages as last changed', () => {
    const { pipelineId, stages, at } = PipelineStagesChanged.example;
    projectionSpec(pipelineListProjection)
      .given([
        created,
        { type: 'PipelineRenamed', data: { ...PipelineRenamed.example, pipelineId } },
        { type: 'PipelineStagesChanged', data: PipelineStagesChanged.example },
      ])
      .then({
        [pipelineId]: {
          pipelineId,
          name: PipelineRenamed.example.name,
          stages,
          createdAt: PipelineCreated.example.at,
          updatedAt: at,
        },
      });
  });
});

describe('product list', () => {
  it('lists a product with its prices, the currencies they are in, and whether it is retired', () => {
    const { productId, sku, name, at } = ProductCreated.example;
    const prices = [{ currency: 'CHF', amountMinor: 1500 }];
    projectionSpec(productListProjection)
      .given([
        { type: 'ProductCreated', data: ProductCreated.example },
        { type: 'ProductUpdated', data: { productId, changes: { prices }, at: '2025-02-01T09:00:00.000Z' } },
        { type: 'ProductRetired', data: { ...ProductRetired.example, productId, at: '2025-03-01T09:00:00.000Z' } },
      ])
      .then({
        [productId]: {
          productId,
          sku,
          name,
          status: 'retired',
          prices,
          currencies: ['CHF'],
          createdAt: at,
          updatedAt: '2025-03-01T09:00:00.000Z',
        },
      });
  });
});
