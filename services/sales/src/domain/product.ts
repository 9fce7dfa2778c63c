import type { Aggregate, Decider } from '@crm/eventsourcing';
import {
  MAX_PRODUCT_NAME_LENGTH,
  MAX_PRODUCT_PRICES,
  MAX_SKU_LENGTH,
  SKU_PATTERN,
  type ProductEvent,
  type ProductPrice,
} from '@crm/contracts';
import { isCurrencyInUse } from './money';

/** A catalog entry. Its SKU is its identity (the service derives the product id from `skuKey`) and never changes. */
export type Product =
  | { status: 'none' }
  | {
      status: 'active' | 'retired';
      productId: string;
      sku: string;
      name: string;
      prices: ProductPrice[];
      createdAt: string;
      updatedAt: string;
    };

/** What an order needs to know of a product it names, as the handler loaded it. */
export interface ProductSnapshot {
  productId: string;
  sku: string;
  name: string;
  active: boolean;
  prices: readonly ProductPrice[];
}

export type ProductCommand =
  | { type: 'CreateProduct'; data: { productId: string; sku: string; name: string; prices: ProductPrice[]; now: string } }
  | {
      type: 'UpdateProduct';
      data: { productId: string; changes: { name?: string; prices?: ProductPrice[] }; now: string };
    }
  | { type: 'RetireProduct'; data: { productId: string; now: string } }
  | { type: 'ReactivateProduct'; data: { productId: string; now: string } };

export class ProductNotFound extends Error {
  override readonly name = 'ProductNotFound';
  constructor(readonly productId: string) {
    super(`Product ${productId} does not exist`);
  }
}

/** A product with this SKU exists already (its id is the SKU's). */
export class ProductAlreadyExists extends Error {
  override readonly name = 'ProductAlreadyExists';
  constructor(
    readonly productId: string,
    readonly sku: string,
  ) {
    super(`A product with SKU ${sku} already exists (${productId})`);
  }
}

/** A retired product does not change; reactivate it first. */
export class ProductRetiredError extends Error {
  override readonly name = 'ProductRetiredError';
  constructor(readonly productId: string) {
    super(`Product ${productId} is retired and cannot change`);
  }
}

/** One bad input value, named by its path in the command (`prices[1].currency`). */
export interface InvalidValue {
  field: string;
  message: string;
}

/** Product data that breaks the catalog's rules; every bad value is listed, so a client fixes them all at once. */
export class InvalidProductData extends Error {
  override readonly name = 'InvalidProductData';
  constructor(readonly problems: readonly InvalidValue[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

const SKU = new RegExp(SKU_PATTERN);

/** SKUs compare without case, so `eng-diff-2` and `ENG-DIFF-2` are one product: the key its id is derived from. */
export const skuKey = (sku: string): string => sku.trim().toUpperCase();

function skuProblems(sku: string): InvalidValue[] {
  if (sku.length < 1 || sku.length > MAX_SKU_LENGTH)
    return [{ field: 'sku', message: `must be 1 to ${MAX_SKU_LENGTH} characters` }];
  if (!SKU.test(sku)) return [{ field: 'sku', message: 'must be letters and digits, then also . _ / - (ENG-DIFF-2)' }];
  return [];
}

function nameProblems(name: string): InvalidValue[] {
  if (name.length < 1 || name.length > MAX_PRODUCT_NAME_LENGTH) {
    return [{ field: 'name', message: `must be 1 to ${MAX_PRODUCT_NAME_LENGTH} characters, not blank` }];
  }
  return [];
}

/** A price list's problems: currencies in use, each once, amounts whole minor units. */
function priceProblems(prices: readonly ProductPrice[]): InvalidValue[] {
  if (prices.length > MAX_PRODUCT_PRICES) return [{ field: 'prices', message: `at most ${MAX_PRODUCT_PRICES} prices` }];
  const problems: InvalidValue[] = [];
  const seen = new Set<string>();
  prices.forEach(({ currency, amountMinor }, index) => {
    if (!isCurrencyInUse(currency)) {
      problems.push({ field: `prices[${index}].currency`, message: `${currency} is not an ISO 4217 currency in use` });
    } else if (seen.has(currency)) {
      problems.push({ field: `prices[${index}].currency`, message: `${currency} has a price already: one per currency` });
    }
    seen.add(currency);
    if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
      problems.push({ field: `prices[${index}].amountMinor`, message: 'must be a whole number of minor units, from 0' });
    }
  });
  return problems;
}

function assertValid(problems: InvalidValue[]): void {
  if (problems.length > 0) throw new InvalidProductData(problems);
}

/** Two price lists are the same when each currency has the same amount, in whatever order they were given. */
function samePrices(a: readonly ProductPrice[], b: readonly ProductPrice[]): boolean {
  const amounts = new Map(a.map((price) => [price.currency, price.amountMinor]));
  return a.length === b.length && b.every((price) => amounts.get(price.currency) === price.amountMinor);
}

export function decide(command: ProductCommand, state: Product): ProductEvent[] {
  switch (command.type) {
    case 'CreateProduct': {
      const { productId, prices, now } = command.data;
      const sku = command.data.sku.trim();
      const name = command.data.name.trim();
      if (state.status !== 'none') throw new ProductAlreadyExists(productId, state.sku);
      assertValid([...skuProblems(sku), ...nameProblems(name), ...priceProblems(prices)]);
      return [{ type: 'ProductCreated', data: { productId, sku, name, prices, at: now } }];
    }
    case 'UpdateProduct': {
      const { productId, now } = command.data;
      if (state.status === 'none') throw new ProductNotFound(productId);
      if (state.status === 'retired') throw new ProductRetiredError(productId);
      const name = command.data.changes.name?.trim();
      const { prices } = command.data.changes;
      assertValid([...(name === undefined ? [] : nameProblems(name)), ...(prices === undefined ? [] : priceProblems(prices))]);
      const changes = {
        ...(name !== undefined && name !== state.name && { name }),
        ...(prices !== undefined && !samePrices(prices, state.prices) && { prices }),
      };
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'ProductUpdated', data: { productId, changes, at: now } }];
    }
    case 'RetireProduct': {
      const { productId, now } = command.data;
      if (state.status === 'none') throw new ProductNotFound(productId);
      if (state.status === 'retired') return [];
      return [{ type: 'ProductRetired', data: { productId, at: now } }];
    }
    case 'ReactivateProduct': {
      const { productId, now } = command.data;
      if (state.status === 'none') throw new ProductNotFound(productId);
      if (state.status === 'active') return [];
      return [{ type: 'ProductReactivated', data: { productId, at: now } }];
    }
  }
}

export function evolve(state: Product, event: ProductEvent): Product {
  switch (event.type) {
    case 'ProductCreated': {
      const { productId, sku, name, prices, at } = event.data;
      return { status: 'active', productId, sku, name, prices, createdAt: at, updatedAt: at };
    }
    case 'ProductUpdated':
      return state.status === 'none' ? state : { ...state, ...event.data.changes, updatedAt: event.data.at };
    case 'ProductRetired':
      return state.status === 'none' ? state : { ...state, status: 'retired', updatedAt: event.data.at };
    case 'ProductReactivated':
      return state.status === 'none' ? state : { ...state, status: 'active', updatedAt: event.data.at };
  }
}

/** The product as an order sees it, or undefined when there is none. */
export function productSnapshot(product: Product): ProductSnapshot | undefined {
  if (product.status === 'none') return undefined;
  const { productId, sku, name, prices, status } = product;
  return { productId, sku, name, prices, active: status === 'active' };
}

export const productDecider: Decider<Product, ProductCommand, ProductEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

export const productAggregate: Aggregate<Product, ProductCommand, ProductEvent> = {
  name: 'product',
  decider: productDecider,
};
