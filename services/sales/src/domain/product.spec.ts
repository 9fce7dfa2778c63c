import { spec } from '@crm/eventsourcing/testing';
import type { ProductEvent } from '@crm/contracts';
import {
  InvalidProductData,
  ProductAlreadyExists,
  productDecider,
  ProductNotFound,
  ProductRetiredError,
  productSnapshot,
  skuKey,
  type ProductCommand,
} from './product';

const t1 = '2026-01-01T10:00:00.000Z';
const t2 = '2026-01-02T10:00:00.000Z';
const productId = '0193a1c2-5d4e-7f60-8a1b-2c3d4e5f6a70';
const eur = (amountMinor: number) => ({ currency: 'EUR', amountMinor });
const gbp = (amountMinor: number) => ({ currency: 'GBP', amountMinor });

const create = (values: { sku?: string; name?: string; prices?: { currency: string; amountMinor: number }[] } = {}) =>
  ({
    type: 'CreateProduct',
    data: { productId, sku: 'ENG-DIFF-2', name: 'Difference Engine No. 2', prices: [eur(1999)], ...values, now: t1 },
  }) satisfies ProductCommand;
const createdWith = (prices: { currency: string; amountMinor: number }[]): ProductEvent => ({
  type: 'ProductCreated',
  data: { productId, sku: 'ENG-DIFF-2', name: 'Difference Engine No. 2', prices, at: t1 },
});
const created = createdWith([eur(1999)]);
const update = (changes: { name?: string; prices?: { currency: string; amountMinor: number }[] }) =>
  ({ type: 'UpdateProduct', data: { productId, changes, now: t2 } }) satisfies ProductCommand;
const retire = { type: 'RetireProduct', data: { productId, now: t2 } } satisfies ProductCommand;
const reactivate = { type: 'ReactivateProduct', data: { productId, now: t2 } } satisfies ProductCommand;
const retired: ProductEvent = { type: 'ProductRetired', data: { productId, at: t2 } };

/** The fields the InvalidProductData that the command meets names, in order. */
function badFieldsOf(command: ProductCommand, given: ProductEvent[] = []): string[] {
  try {
    productDecider.decide(command, given.reduce(productDecider.evolve, productDecider.initialState));
  } catch (error) {
    if (error instanceof InvalidProductData) return error.problems.map((p) => p.field);
    throw error;
  }
  throw new Error('the command was accepted');
}

describe('Product', () => {
  it('is added to the catalog active, with its SKU and name trimmed and its prices per currency', () => {
    spec(productDecider)
      .given([])
      .when(create({ sku: ' ENG-DIFF-2 ', name: ' Difference Engine No. 2 ' }))
      .then([created]);
    spec(productDecider)
      .given([])
      .when(create({ prices: [] }))
      .then([createdWith([])]);
  });

  it('is one per SKU: the id is the SKU’s, so a second product with the SKU meets the first', () => {
    expect(skuKey(' eng-diff-2 ')).toBe(skuKey('ENG-DIFF-2'));
    expect(skuKey('ENG-DIFF-2')).not.toBe(skuKey('ENG-DIFF-3'));
    spec(productDecider).given([created]).when(create()).thenThrows(ProductAlreadyExists, 'SKU ENG-DIFF-2');
  });

  it('refuses currencies not in use, a second price in one currency and amounts that are no whole minor units', () => {
    const prices = [eur(1999), { currency: 'XXX', amountMinor: 1 }, gbp(17.5), eur(2099), { currency: 'USD', amountMinor: -1 }];
    expect(badFieldsOf(create({ prices }))).toEqual([
      'prices[1].currency',
      'prices[2].amountMinor',
      'prices[3].currency',
      'prices[4].amountMinor',
    ]);
    expect(badFieldsOf(create({ prices: Array.from({ length: 51 }, () => eur(1)) }))).toEqual(['prices']);
  });

  it('refuses a SKU out of pattern and a blank name, naming each', () => {
    expect(badFieldsOf(create({ sku: '-ENG', name: '  ' }))).toEqual(['sku', 'name']);
    expect(badFieldsOf(create({ sku: 'ENG DIFF' }))).toEqual(['sku']);
    expect(badFieldsOf(create({ sku: 'E'.repeat(65) }))).toEqual(['sku']);
    expect(badFieldsOf(create({ name: 'n'.repeat(201) }))).toEqual(['name']);
  });

  it('records the name and prices that changed, whatever the order of the prices', () => {
    const updated = (changes: object): ProductEvent => ({ type: 'ProductUpdated', data: { productId, changes, at: t2 } });
    spec(productDecider)
      .given([created])
      .when(update({ name: 'Difference Engine No. 2 (replica)', prices: [eur(1999)] }))
      .then([updated({ name: 'Difference Engine No. 2 (replica)' })]);
    spec(productDecider)
      .given([created])
      .when(update({ prices: [gbp(1700), eur(1999)] }))
      .then([updated({ prices: [gbp(1700), eur(1999)] })]);
    spec(productDecider)
      .given([created, updated({ prices: [gbp(1700), eur(1999)] })])
      .when(update({ name: ' Difference Engine No. 2 ', prices: [eur(1999), gbp(1700)] }))
      .then([]);
    spec(productDecider)
      .given([created])
      .when(update({ prices: [] }))
      .then([updated({ prices: [] })]);
  });

  it('checks the values of an update as those of a new product', () => {
    expect(badFieldsOf(update({ name: '', prices: [eur(1), eur(2)] }), [created])).toEqual(['name', 'prices[1].currency']);
  });

  it('is retired and reactivated, each once; retired, it does not change', () => {
    spec(productDecider).given([created]).when(retire).then([retired]);
    spec(productDecider).given([created, retired]).when(retire).then([]);
    spec(productDecider)
      .given([created, retired])
      .when(reactivate)
      .then([{ type: 'ProductReactivated', data: { productId, at: t2 } }]);
    spec(productDecider).given([created]).when(reactivate).then([]);
    spec(productDecider)
      .given([created, retired])
      .when(update({ name: 'Other' }))
      .thenThrows(ProductRetiredError);
  });

  it('must exist to change', () => {
    for (const command of [update({ name: 'x' }), retire, reactivate]) {
      spec(productDecider).given([]).when(command).thenThrows(ProductNotFound);
    }
  });

  it('is seen by orders as a snapshot: active or not, with its latest name and prices', () => {
    const fold = (events: ProductEvent[]) => events.reduce(productDecider.evolve, productDecider.initialState);
    expect(productSnapshot(fold([]))).toBeUndefined();
    expect(productSnapshot(fold([created, retired]))).toEqual({
      productId,
      sku: 'ENG-DIFF-2',
      name: 'Difference Engine No. 2',
      prices: [eur(1999)],
      active: false,
    });
  });
});
