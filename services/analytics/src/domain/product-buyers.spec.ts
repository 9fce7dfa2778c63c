import { boughtWith, customersWhoBought, productsByCustomer } from './product-buyers';
import type { SalesRecord } from './sales-record';
import { survivorsOf, withMergedContacts, type BatchIdentityLinks } from './identity';

const [ENGINE, CARDS, LOOM] = ['engine', 'cards', 'loom'];
const [ADA, TWIN, BYRON, MARY] = ['c-ada', 'c-twin', 'c-byron', 'c-mary'];

/** A contact's record with one paid order per product bought (units as given), none refunded. */
function bought(units: Record<string, number>): SalesRecord {
  const orders = Object.fromEntries(
    Object.entries(units).map(([productId, quantity]) => [
      `order-${productId}`,
      {
        currency: 'EUR',
        status: 'paid' as const,
        paidAt: '2025-01-01T00:00:00.000Z',
        paidMinor: 100 * quantity,
        refundedMinor: 0,
        lines: { line: { productId, sku: productId.toUpperCase(), name: productId, quantity, refundedQuantity: 0 } },
      },
    ]),
  );
  return { orders, deals: {}, boughtProductIds: Object.keys(units).sort() };
}

describe('who bought what', () => {
  // Given Ada (with her twin merged into her), Byron and Mary
  const customers = productsByCustomer(
    [
      { contactId: ADA, sales: bought({ [ENGINE]: 1 }) },
      { contactId: TWIN, sales: bought({ [CARDS]: 2 }) },
      { contactId: BYRON, sales: bought({ [ENGINE]: 3, [LOOM]: 1 }) },
      { contactId: MARY, sales: bought({ [CARDS]: 5 }) },
    ],
    new Map([[TWIN, ADA]]),
  );

  it('counts a customer once with what the contacts merged into it bought', () => {
    expect([...customers.keys()].sort()).toEqual([ADA, BYRON, MARY].sort());
    expect(customersWhoBought(customers, CARDS)).toEqual([
      { customerId: ADA, quantity: 2 },
      { customerId: MARY, quantity: 5 },
    ]);
  });

  it('bought X but not Y: a merged contact having bought Y rules the customer out', () => {
    expect(customersWhoBought(customers, ENGINE, CARDS)).toEqual([{ customerId: BYRON, quantity: 3 }]);
    expect(customersWhoBought(customers, ENGINE, LOOM)).toEqual([{ customerId: ADA, quantity: 1 }]);
  });

  it('bought with X: the other products of the customers who bought X, most customers first', () => {
    expect(boughtWith(customers, ENGINE)).toEqual([
      { productId: CARDS, sku: 'CARDS', name: CARDS, customers: 1, quantity: 2 },
      { productId: LOOM, sku: 'LOOM', name: LOOM, customers: 1, quantity: 1 },
    ]);
    expect(boughtWith(customers, LOOM)).toEqual([{ productId: ENGINE, sku: 'ENGINE', name: ENGINE, customers: 1, quantity: 3 }]);
    expect(boughtWith(customers, 'never-bought')).toEqual([]);
  });
});

describe('survivors of many contacts', () => {
  // Given a merged into b merged into c, and d merged into c; e not merged
  const merged = new Map([
    ['a', 'b'],
    ['b', 'c'],
    ['d', 'c'],
  ]);
  const links: BatchIdentityLinks = {
    survivorsOf: async (ids) => new Map(ids.flatMap((id) => (merged.has(id) ? [[id, merged.get(id)!] as const] : []))),
    mergedInto: async (ids) => [...merged].filter(([, survivor]) => ids.includes(survivor)).map(([id]) => id),
  };

  it('follows each chain to its end; a contact not merged stands for itself', async () => {
    expect(Object.fromEntries(await survivorsOf(['a', 'b', 'd', 'e'], links))).toEqual({ a: 'c', b: 'c', d: 'c', e: 'e' });
  });

  it('stops at a cycle, which a consistent history never has', async () => {
    const cycle: BatchIdentityLinks = {
      ...links,
      survivorsOf: async (ids) => new Map(ids.map((id) => [id, id === 'x' ? 'y' : 'x'])),
    };
    expect(Object.fromEntries(await survivorsOf(['x'], cycle))).toEqual({ x: 'y' });
  });

  it('gathers every contact merged into the survivors, recursively', async () => {
    expect((await withMergedContacts(['c', 'e'], links)).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
