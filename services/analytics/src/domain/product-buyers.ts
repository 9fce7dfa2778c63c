import { productsBoughtOf, type ProductBought, type SalesRecord } from './sales-record';

/**
 * "Bought X but not Y" and "bought with X", over customers: a survivor with the contacts merged into it counts once,
 * with what any of them bought. Bought means paid and not refunded (see SalesRecord).
 */

/** What each customer (keyed by survivor id) bought, from the records of its contacts. */
export function productsByCustomer(
  records: readonly { contactId: string; sales: SalesRecord }[],
  survivorOf: ReadonlyMap<string, string>,
): Map<string, ProductBought[]> {
  const byCustomer = new Map<string, SalesRecord[]>();
  // By contact id, so that a product renamed between orders is named the same way on every read.
  for (const { contactId, sales } of [...records].sort((a, b) => compare(a.contactId, b.contactId))) {
    const customerId = survivorOf.get(contactId) ?? contactId;
    byCustomer.set(customerId, [...(byCustomer.get(customerId) ?? []), sales]);
  }
  return new Map([...byCustomer].map(([customerId, held]) => [customerId, productsBoughtOf(held)]));
}

export interface ProductCustomer {
  customerId: string;
  /** The units of the product the customer bought. */
  quantity: number;
}

/** The customers who bought `productId` and, if given, never bought `notBoughtId`; by customer id. */
export function customersWhoBought(
  customers: ReadonlyMap<string, readonly ProductBought[]>,
  productId: string,
  notBoughtId?: string,
): ProductCustomer[] {
  const found: ProductCustomer[] = [];
  for (const [customerId, products] of customers) {
    const bought = products.find((product) => product.productId === productId);
    if (!bought) continue;
    if (notBoughtId !== undefined && products.some((product) => product.productId === notBoughtId)) continue;
    found.push({ customerId, quantity: bought.quantity });
  }
  return found.sort((a, b) => compare(a.customerId, b.customerId));
}

export interface ProductBoughtWith {
  productId: string;
  sku: string;
  name: string;
  /** How many of the customers who bought the product bought this one too. */
  customers: number;
  /** The units of this one those customers bought. */
  quantity: number;
}

/** The other products bought by the customers who bought `productId`: most customers first, then most units, then id. */
export function boughtWith(customers: ReadonlyMap<string, readonly ProductBought[]>, productId: string): ProductBoughtWith[] {
  const counts = new Map<string, ProductBoughtWith>();
  for (const products of customers.values()) {
    if (!products.some((product) => product.productId === productId)) continue;
    for (const { productId: otherId, sku, name, quantity } of products) {
      if (otherId === productId) continue;
      const held = counts.get(otherId);
      counts.set(
        otherId,
        held
          ? { ...held, customers: held.customers + 1, quantity: held.quantity + quantity }
          : { productId: otherId, sku, name, customers: 1, quantity },
      );
    }
  }
  return [...counts.values()].sort(
    (a, b) => b.customers - a.customers || b.quantity - a.quantity || compare(a.productId, b.productId),
  );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
