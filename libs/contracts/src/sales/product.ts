import { Type, type Static } from '@sinclair/typebox';
import { Closed, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';
import { moneySchema } from './money';

/** A SKU: letters and digits first, then also `.`, `_`, `/` and `-`. */
export const SKU_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._/-]*$';
export const MAX_SKU_LENGTH = 64;
export const MAX_PRODUCT_NAME_LENGTH = 200;
export const MAX_PRODUCT_PRICES = 50;

export const skuSchema = Type.String({
  pattern: SKU_PATTERN,
  minLength: 1,
  maxLength: MAX_SKU_LENGTH,
  description: 'Stock keeping unit, as the catalog writes it: `ENG-DIFF-2`. Unique without regard to case.',
});
export const productNameSchema = Type.String({ minLength: 1, maxLength: MAX_PRODUCT_NAME_LENGTH });
export const productPricesSchema = Type.Array(moneySchema, {
  maxItems: MAX_PRODUCT_PRICES,
  description: 'The list price per currency, at most one per currency; none is a product priced per order.',
});
export type ProductPrice = Static<typeof moneySchema>;

const productId = Uuid({ description: 'The product: derived from its SKU, so one SKU is one product.' });

export const ProductCreated = defineEvent({
  service: 'sales',
  name: 'ProductCreated',
  version: 1,
  description:
    'A product was added to the catalog, active. The SKU is its identity and never changes: the sales service ' +
    'derives the product id from the SKU compared without case, so adding a second product with the same SKU ' +
    "lands on the first one's stream and is refused as a duplicate by the event store.",
  schema: Closed({
    productId,
    sku: skuSchema,
    name: productNameSchema,
    prices: productPricesSchema,
    at: UtcTimestamp({ description: 'When it was added.' }),
  }),
  example: {
    productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a70',
    sku: 'ENG-DIFF-2',
    name: 'Difference Engine No. 2',
    prices: [
      { currency: 'EUR', amountMinor: 1999 },
      { currency: 'GBP', amountMinor: 1700 },
    ],
    at: '2025-01-06T09:00:00.000Z',
  },
});
export type ProductCreatedData = DataOf<typeof ProductCreated>;

export const ProductUpdated = defineEvent({
  service: 'sales',
  name: 'ProductUpdated',
  version: 1,
  description:
    "Some of a product's fields changed: `changes` holds the new values; `prices` replaces the whole price list. " +
    'The SKU never changes (see ProductCreated). Orders already placed keep the name and prices they were placed with.',
  schema: Closed({
    productId,
    changes: Closed({ name: Type.Optional(productNameSchema), prices: Type.Optional(productPricesSchema) }, { minProperties: 1 }),
    at: UtcTimestamp({ description: 'When it changed.' }),
  }),
  example: {
    productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a70',
    changes: { prices: [{ currency: 'EUR', amountMinor: 2099 }] },
    at: '2025-04-01T09:00:00.000Z',
  },
});
export type ProductUpdatedData = DataOf<typeof ProductUpdated>;

export const ProductRetired = defineEvent({
  service: 'sales',
  name: 'ProductRetired',
  version: 1,
  description: 'A product was retired: no new order may name it; orders already placed keep it. It can be reactivated.',
  schema: Closed({ productId, at: UtcTimestamp({ description: 'When it was retired.' }) }),
  example: { productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a70', at: '2025-09-01T09:00:00.000Z' },
});
export type ProductRetiredData = DataOf<typeof ProductRetired>;

export const ProductReactivated = defineEvent({
  service: 'sales',
  name: 'ProductReactivated',
  version: 1,
  description: 'A retired product was offered again: orders may name it anew.',
  schema: Closed({ productId, at: UtcTimestamp({ description: 'When it was reactivated.' }) }),
  example: { productId: '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a70', at: '2025-10-01T09:00:00.000Z' },
});
export type ProductReactivatedData = DataOf<typeof ProductReactivated>;
