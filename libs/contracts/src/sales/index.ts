import type { EventOf } from '../contract';
import { OrderCancelled, OrderFulfilled, OrderPaid, OrderPlaced, OrderRefunded } from './order';
import { ProductCreated, ProductReactivated, ProductRetired, ProductUpdated } from './product';

export * from './money';
export * from './product';
export * from './order';

/** The contracts of a product's stream (a catalog entry; no customer). */
export const productStreamContracts = [ProductCreated, ProductUpdated, ProductRetired, ProductReactivated] as const;
export type ProductEvent = EventOf<(typeof productStreamContracts)[number]>;

/** The contracts of an order's stream: every event names the customer (`contactId`). */
export const orderStreamContracts = [OrderPlaced, OrderPaid, OrderFulfilled, OrderCancelled, OrderRefunded] as const;
export type OrderEvent = EventOf<(typeof orderStreamContracts)[number]>;
