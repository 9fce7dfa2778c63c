import { ContractRegistry } from '../registry';
import { OrderPlaced, OrderRefunded } from './order';
import { ProductCreated, ProductUpdated } from './product';
import { orderStreamContracts, productStreamContracts } from '.';

// Building a registry checks every example against its schema.
const registry = new ContractRegistry({ contracts: [...productStreamContracts, ...orderStreamContracts] });
/** The data paths that break the contract, each once. */
const paths = (type: string, data: unknown) => [...new Set(registry.validate(type, data).map((violation) => violation.path))];

describe('product contracts', () => {
  it('concern no customer: no key of a person, no timeline entry, no personal data', () => {
    for (const contract of productStreamContracts) {
      expect([contract.service, contract.customerIdField, contract.timeline, contract.pii]).toEqual([
        'sales',
        undefined,
        undefined,
        [],
      ]);
    }
  });

  it('take SKUs of letters, digits and . _ / -, starting with a letter or digit, up to 64 characters', () => {
    const created = (sku: string) => ({ ...ProductCreated.example, sku });
    for (const sku of ['ENG-DIFF-2', 'a', 'box/100.v2_b', 'X'.repeat(64)])
      expect(paths('ProductCreated', created(sku))).toEqual([]);
    for (const sku of ['', '-lead', 'with space', 'ü-1', 'X'.repeat(65)]) {
      expect(paths('ProductCreated', created(sku))).toEqual(['/sku']);
    }
  });

  it('price in integer minor units of a currency code, at most 50 prices', () => {
    const priced = (prices: unknown[]) => ({ ...ProductCreated.example, prices });
    expect(paths('ProductCreated', priced([]))).toEqual([]);
    expect(paths('ProductCreated', priced([{ currency: 'EUR', amountMinor: 19.99 }]))).toEqual(['/prices/0/amountMinor']);
    expect(paths('ProductCreated', priced([{ currency: 'eur', amountMinor: 1999 }]))).toEqual(['/prices/0/currency']);
    const many = Array.from({ length: 51 }, () => ({ currency: 'EUR', amountMinor: 1 }));
    expect(paths('ProductCreated', priced(many))).toEqual(['/prices']);
  });

  it('record an update only with something changed', () => {
    expect(paths('ProductUpdated', { ...ProductUpdated.example, changes: {} })).toEqual(['/changes']);
    expect(paths('ProductUpdated', { ...ProductUpdated.example, changes: { sku: 'OTHER' } })).toEqual(['/changes/sku']);
  });
});

describe('order contracts', () => {
  it('are keyed by the customer and shown on the timeline under sales, without personal data', () => {
    const shown = Object.fromEntries(
      orderStreamContracts.map((c) => [c.name, [c.customerIdField, c.timeline?.category, c.timeline?.title, c.pii]]),
    );
    expect(shown).toEqual({
      OrderPlaced: ['contactId', 'sales', 'Order placed', []],
      OrderPaid: ['contactId', 'sales', 'Order paid', []],
      OrderFulfilled: ['contactId', 'sales', 'Order fulfilled', []],
      OrderCancelled: ['contactId', 'sales', 'Order cancelled', []],
      OrderRefunded: ['contactId', 'sales', 'Refund issued', []],
    });
  });

  it('give examples whose amounts add up', () => {
    const placed = OrderPlaced.example;
    const add = (amounts: number[]) => amounts.reduce((a, b) => a + b, 0);
    for (const line of placed.lines) {
      expect(line.totalMinor).toBe(line.unitPriceMinor * line.quantity - line.discountMinor);
    }
    expect(placed.subtotalMinor).toBe(add(placed.lines.map((line) => line.unitPriceMinor * line.quantity)));
    expect(placed.discountMinor).toBe(add(placed.lines.map((line) => line.discountMinor)));
    expect(placed.totalMinor).toBe(placed.subtotalMinor - placed.discountMinor);
    const refunded = OrderRefunded.example;
    expect(refunded.amountMinor).toBe(add(refunded.lines.map((line) => line.amountMinor)));
    expect(placed.lines.map((line) => line.lineId)).toContain(refunded.lines[0].lineId);
  });

  it('take a discount as basis points up to the whole line, or as an amount, never both', () => {
    const discounted = (discount: unknown) => ({
      ...OrderPlaced.example,
      lines: [{ ...OrderPlaced.example.lines[0], discount }],
    });
    expect(paths('OrderPlaced', discounted({ basisPoints: 10_000 }))).toEqual([]);
    expect(paths('OrderPlaced', discounted({ amountMinor: 0 }))).toEqual([]);
    for (const discount of [{ basisPoints: 10_001 }, { basisPoints: 12.5 }, { basisPoints: 100, amountMinor: 100 }, {}]) {
      expect(paths('OrderPlaced', discounted(discount))).toContain('/lines/0/discount');
    }
  });

  it('take 1 to 500 lines of 1 to 1,000,000 units', () => {
    const line = OrderPlaced.example.lines[1];
    const withLines = (lines: unknown[]) => ({ ...OrderPlaced.example, lines });
    expect(paths('OrderPlaced', withLines([]))).toEqual(['/lines']);
    expect(paths('OrderPlaced', withLines(Array.from({ length: 501 }, () => line)))).toEqual(['/lines']);
    for (const quantity of [0, -1, 2.5, 1_000_001]) {
      expect(paths('OrderPlaced', withLines([{ ...line, quantity }]))).toEqual(['/lines/0/quantity']);
    }
    expect(paths('OrderPlaced', withLines([{ ...line, quantity: 1_000_000 }]))).toEqual([]);
  });

  it('refund at least one line', () => {
    expect(paths('OrderRefunded', { ...OrderRefunded.example, lines: [] })).toEqual(['/lines']);
  });
});
