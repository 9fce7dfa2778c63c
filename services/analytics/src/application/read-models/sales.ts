import { dealStreamContracts, orderStreamContracts, pipelineStreamContracts } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { evolveDealHistory, type DealHistory } from '../../domain/sales/deal-history';
import { evolvePipelineDefinition, type PipelineDefinition } from '../../domain/sales/pipelines';
import { evolveOrderRevenue, type OrderRevenue } from '../../domain/sales/revenue';

/** Pipelines with their stages over time: the order and the weights of the pipeline report. */
export const salesPipelinesProjection = defineProjection<PipelineDefinition, (typeof pipelineStreamContracts)[number]>({
  name: 'sales-pipelines',
  collection: 'sales_pipelines',
  handles: pipelineStreamContracts,
  documentId: (event) => event.data.pipelineId,
  evolve: (pipeline, event) => evolvePipelineDefinition(pipeline, event),
});

/**
 * One document per deal: its stays in each stage, its value and owner over time, its outcome. The pipeline report
 * at any instant and the win rate are queries over these. A deal's events come in order (one key), but not in order
 * with its pipeline's: the two are joined when read.
 */
export const dealHistoriesProjection = defineProjection<DealHistory, (typeof dealStreamContracts)[number]>({
  name: 'deal-histories',
  collection: 'deal_histories',
  handles: dealStreamContracts,
  documentId: (event) => event.data.dealId,
  evolve: (deal, event) => evolveDealHistory(deal, event),
  indexes: [
    { fields: { pipelineId: 1, status: 1 }, options: { name: 'by_pipeline' } },
    { fields: { closedAt: 1 }, options: { name: 'by_close' } },
  ],
});

/** One document per order: its lines, when it was paid and its refunds; what revenue is counted from. */
export const orderRevenueProjection = defineProjection<OrderRevenue, (typeof orderStreamContracts)[number]>({
  name: 'order-revenue',
  collection: 'order_revenue',
  handles: orderStreamContracts,
  documentId: (event) => event.data.orderId,
  evolve: (order, event) => evolveOrderRevenue(order, event),
  indexes: [{ fields: { paidAt: 1 }, options: { name: 'by_payment' } }],
});
