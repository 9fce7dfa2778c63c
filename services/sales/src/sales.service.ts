import { salesContracts } from '@crm/contracts';
import { defineService } from '@crm/service-kit';
import { registerSalesProblems } from './api/problems';
import { pipelineListProjection, productListProjection } from './application/read-models/catalog-lists';
import { dealListProjection } from './application/read-models/deal-list';
import { leadListProjection } from './application/read-models/lead-list';
import { purchaseHistoryProjection } from './application/read-models/purchase-history';
import { dealAggregate } from './domain/deal';
import { leadAggregate } from './domain/lead';
import { orderAggregate } from './domain/order';
import { pipelineAggregate } from './domain/pipeline';
import { productAggregate } from './domain/product';
import { DEAL_ROTTING } from './application/deal-rotting';
import { SalesApplication } from './sales.application';

registerSalesProblems();

/**
 * Whose key seals a kept Idempotency-Key response: a lead's person (a lead may name its contact too), a deal's or an
 * order's customer; pipelines and products name none.
 */
const subjectOfResponse = (body: unknown): string | undefined => {
  const { leadId, contactId } = (body ?? {}) as { leadId?: unknown; contactId?: unknown };
  if (typeof leadId === 'string') return leadId;
  return typeof contactId === 'string' ? contactId : undefined;
};

/**
 * The sales service: leads and their conversion, pipelines and their deals, the product catalog, orders and a customer's
 * purchase history.
 */
export const salesService = defineService({
  name: 'sales',
  title: 'CRM sales API',
  // Admins pass every role check (the platform's policy); analysts read.
  access: { read: ['sales', 'analyst'], write: ['sales'] },
  contracts: salesContracts,
  aggregates: [pipelineAggregate, dealAggregate, productAggregate, orderAggregate, leadAggregate],
  projections: [pipelineListProjection, dealListProjection, productListProjection, purchaseHistoryProjection, leadListProjection],
  timers: [DEAL_ROTTING],
  application: SalesApplication,
  responseSubject: subjectOfResponse,
});
