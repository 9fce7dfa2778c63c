import {
  pipelineStreamContracts,
  productStreamContracts,
  type PipelineEvent,
  type PipelineStage,
  type ProductEvent,
  type ProductPrice,
} from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { defineListQuery } from '@crm/read-api';

// The lists of what deals and orders are made of: pipelines and products, one document each.

export interface PipelineListItem {
  pipelineId: string;
  name: string;
  stages: PipelineStage[];
  createdAt: string;
  updatedAt: string;
}

export function evolvePipelineListItem(doc: PipelineListItem | undefined, event: PipelineEvent): PipelineListItem | null {
  if (event.type === 'PipelineCreated') {
    const { pipelineId, name, stages, at } = event.data;
    return { pipelineId, name, stages, createdAt: at, updatedAt: at };
  }
  if (!doc) return null;
  switch (event.type) {
    case 'PipelineRenamed':
      return { ...doc, name: event.data.name, updatedAt: event.data.at };
    case 'PipelineStagesChanged':
      return { ...doc, stages: event.data.stages, updatedAt: event.data.at };
  }
}

export const pipelineListProjection = defineProjection({
  name: 'pipeline-list',
  collection: 'pipeline_list',
  handles: pipelineStreamContracts,
  documentId: (event) => event.data.pipelineId,
  evolve: evolvePipelineListItem,
  indexes: [{ fields: { name: 1, _id: 1 } }, { fields: { createdAt: 1, _id: 1 } }],
});

export const pipelineListQuery = defineListQuery({
  readModel: pipelineListProjection,
  fields: { name: { type: 'string' }, createdAt: { type: 'date-time' } },
  sortable: ['name', 'createdAt'],
  defaultSort: 'name',
});

export interface ProductListItem {
  productId: string;
  sku: string;
  name: string;
  status: 'active' | 'retired';
  prices: ProductPrice[];
  /** The currencies it has a price in: what the list filters on. */
  currencies: string[];
  createdAt: string;
  updatedAt: string;
}

export function evolveProductListItem(doc: ProductListItem | undefined, event: ProductEvent): ProductListItem | null {
  if (event.type === 'ProductCreated') {
    const { productId, sku, name, prices, at } = event.data;
    const currencies = prices.map((price) => price.currency);
    return { productId, sku, name, status: 'active', prices, currencies, createdAt: at, updatedAt: at };
  }
  if (!doc) return null;
  const updatedAt = event.data.at;
  switch (event.type) {
    case 'ProductUpdated': {
      const { name, prices } = event.data.changes;
      return {
        ...doc,
        ...(name !== undefined && { name }),
        ...(prices !== undefined && { prices, currencies: prices.map((price) => price.currency) }),
        updatedAt,
      };
    }
    case 'ProductRetired':
      return { ...doc, status: 'retired', updatedAt };
    case 'ProductReactivated':
      return { ...doc, status: 'active', updatedAt };
  }
}

export const productListProjection = defineProjection({
  name: 'product-list',
  collection: 'product_list',
  handles: productStreamContracts,
  documentId: (event) => event.data.productId,
  evolve: evolveProductListItem,
  indexes: [
    { fields: { sku: 1, _id: 1 } },
    { fields: { name: 1, _id: 1 } },
    { fields: { status: 1, sku: 1, _id: 1 } },
    { fields: { currencies: 1, sku: 1, _id: 1 } },
    { fields: { createdAt: 1, _id: 1 } },
  ],
});

export const productListQuery = defineListQuery({
  readModel: productListProjection,
  fields: {
    sku: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'enum', values: ['active', 'retired'] },
    currency: { type: 'string', path: 'currencies', array: true, description: 'Products with a price in this currency.' },
    createdAt: { type: 'date-time' },
  },
  sortable: ['sku', 'name', 'createdAt'],
  defaultSort: 'sku',
});
