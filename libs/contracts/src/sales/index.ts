import type { EventOf } from '../contract';
import type { ContractSet } from '../registry';
import { DealLost, DealOpened, DealReopened, DealRotted, DealStageChanged, DealUpdated, DealWon } from './deal';
import { leadStreamContracts, type LeadEvent } from './lead';
import { OrderCancelled, OrderFulfilled, OrderPaid, OrderPlaced, OrderRefunded } from './order';
import { PipelineCreated, PipelineRenamed, PipelineStagesChanged } from './pipeline';
import { ProductCreated, ProductReactivated, ProductRetired, ProductUpdated } from './product';

export * from './money';
export * from './pipeline';
export * from './deal';
export * from './product';
export * from './order';
export * from './lead';

/** The contracts of a pipeline's stream, in their current versions (events about no customer). */
export const pipelineStreamContracts = [PipelineCreated, PipelineRenamed, PipelineStagesChanged] as const;
export type PipelineEvent = EventOf<(typeof pipelineStreamContracts)[number]>;

/** The contracts of a deal's stream, in their current versions; all keyed by the deal's contact. */
export const dealStreamContracts = [
  DealOpened,
  DealUpdated,
  DealStageChanged,
  DealWon,
  DealLost,
  DealReopened,
  DealRotted,
] as const;
export type DealEvent = EventOf<(typeof dealStreamContracts)[number]>;

/** The contracts of a product's stream (a catalog entry; no customer). */
export const productStreamContracts = [ProductCreated, ProductUpdated, ProductRetired, ProductReactivated] as const;
export type ProductEvent = EventOf<(typeof productStreamContracts)[number]>;

/** The contracts of an order's stream: every event names the customer (`contactId`). */
export const orderStreamContracts = [OrderPlaced, OrderPaid, OrderFulfilled, OrderCancelled, OrderRefunded] as const;
export type OrderEvent = EventOf<(typeof orderStreamContracts)[number]>;

/** The sales service's events in their current versions, as its domain produces them (the `crm.sales` topic). */
export type SalesEvent = PipelineEvent | DealEvent | ProductEvent | OrderEvent | LeadEvent;

/** The sales service's contract set; a lead's events are keyed by the lead, a customer id of its own (ADR 0020). */
export const salesContracts: ContractSet = {
  contracts: [
    ...pipelineStreamContracts,
    ...dealStreamContracts,
    ...productStreamContracts,
    ...orderStreamContracts,
    ...leadStreamContracts,
  ],
  upcasters: [],
};
