import { Type } from '@sinclair/typebox';
import Ajv from 'ajv';
import { Closed, StringEnum } from './common-schemas';
import { defineEvent, type DataOf, type EventDefinition } from './contract';
import { ContractDefinitionError, ContractViolationError, UnknownEventTypeError, UnknownSchemaVersionError } from './errors';
import { pii } from './json-schema';
import { ContractRegistry } from './registry';
import { defineUpcaster } from './upcaster';

// A made-up sales stream with three versions, to exercise the registry apart from real contracts.
const id = Type.String({ minLength: 1, maxLength: 36 });
const dealOpened = {
  service: 'sales',
  name: 'DealOpened',
  customerIdField: 'contactId',
  timeline: { category: 'deal', title: 'Deal opened' },
} as const;

const v1 = defineEvent({
  ...dealOpened,
  version: 1,
  description: 'A deal was opened (v1).',
  schema: Closed({ dealId: id, contactId: id, amount: Type.Integer() }),
  example: { dealId: 'd-1', contactId: 'c-1', amount: 12 },
});
const v2Properties = {
  dealId: id,
  contactId: id,
  amountMinor: Type.Integer(),
  currency: Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3 }),
};
const v2 = defineEvent({
  ...dealOpened,
  version: 2,
  description: 'A deal was opened (v2).',
  schema: Closed(v2Properties),
  example: { dealId: 'd-1', contactId: 'c-1', amountMinor: 1200, currency: 'EUR' },
});
const v3 = defineEvent({
  ...dealOpened,
  version: 3,
  description: 'A deal was opened (v3).',
  schema: Closed({
    ...v2Properties,
    stage: StringEnum(['open', 'qualified']),
    note: Type.Optional(pii(Type.String({ maxLength: 20 }))),
  }),
  example: { dealId: 'd-1', contactId: 'c-1', amountMinor: 1200, currency: 'EUR', stage: 'open' },
});
const v1ToV2 = defineUpcaster(v1, v2, 'Whole euros become cents.', ({ amount, ...rest }) => ({
  ...rest,
  amountMinor: amount * 100,
  currency: 'EUR',
}));
const v2ToV3 = defineUpcaster(v2, v3, 'Deals opened before stages start open.', (data) => ({ ...data, stage: 'open' as const }));

const productPricedSchema = Closed({ productId: id, priceMinor: Type.Integer({ minimum: 0 }) });
const productPricedDefinition: EventDefinition<'ProductPriced', typeof productPricedSchema> = {
  service: 'catalog',
  name: 'ProductPriced',
  version: 1,
  description: 'A product got a new price.',
  schema: productPricedSchema,
  example: { productId: 'p-1', priceMinor: 999 },
};
const productPriced = defineEvent(productPricedDefinition);

const registry = new ContractRegistry({ contracts: [v1, v2, v3], upcasters: [v2ToV3, v1ToV2] }, { contracts: [productPriced] });

describe('ContractRegistry lookups', () => {
  it('finds a contract by event name or CloudEvents type, current version unless told', () => {
    expect(registry.get('DealOpened')).toBe(v3);
    expect(registry.get('crm.sales.DealOpened')).toBe(v3);
    expect(registry.get('DealOpened', 1)).toBe(v1);
    expect(registry.currentVersion('DealOpened')).toBe(3);
  });

  it('knows no type under the wrong service, and no version it was not given', () => {
    expect(() => registry.get('crm.catalog.DealOpened')).toThrow(UnknownEventTypeError);
    expect(() => registry.get('DealClosed')).toThrow('No contract for event type "DealClosed"');
    expect(registry.find('DealClosed')).toBeUndefined();
    expect(registry.find('DealOpened', 4)).toBeUndefined();
    expect(() => registry.get('DealOpened', 4)).toThrow(UnknownSchemaVersionError);
  });

  it('lists current contracts, histories, upcasters, services and topics', () => {
    expect(registry.all()).toEqual([v3, productPriced]);
    expect(registry.history('DealOpened')).toEqual([v1, v2, v3]);
    expect(registry.upcastersOf('DealOpened')).toEqual([v1ToV2, v2ToV3]);
    expect(registry.services()).toEqual(['sales', 'catalog']);
    expect(registry.topicOf('sales')).toBe('crm.sales');
    expect(() => registry.topicOf('marketing')).toThrow('No contracts for service "marketing"');
  });

  it('gives the timeline presentation, and the categories of the current contracts', () => {
    expect(registry.get('crm.sales.DealOpened').timeline).toEqual({ category: 'deal', title: 'Deal opened' });
    expect(registry.get('ProductPriced').timeline).toBeUndefined();
    expect(registry.timelineCategories()).toEqual(['deal']);
  });

  it('gives the CloudEvents type and subject', () => {
    expect(registry.cloudEventTypeOf('DealOpened')).toBe('crm.sales.DealOpened');
    expect(registry.subjectOf('DealOpened', v3.example)).toBe('c-1');
    expect(registry.subjectOf('ProductPriced', productPriced.example)).toBeUndefined();
  });
});

describe('ContractRegistry validation', () => {
  it('accepts valid data of the current or a given version', () => {
    expect(registry.validate('DealOpened', v3.example)).toEqual([]);
    expect(registry.validate('DealOpened', v1.example, 1)).toEqual([]);
    expect(registry.validate('DealOpened', v1.example)).not.toEqual([]);
  });

  it('lists every failing path with its keyword', () => {
    const data = {
      dealId: '',
      contactId: 'c-1',
      amountMinor: 1.5,
      currency: 'eur',
      stage: 'open',
      note: 'x'.repeat(21),
      extra: true,
    };
    expect(registry.validate('DealOpened', data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/dealId', keyword: 'minLength' }),
        expect.objectContaining({ path: '/amountMinor', keyword: 'type' }),
        expect.objectContaining({ path: '/currency', keyword: 'pattern' }),
        expect.objectContaining({ path: '/note', keyword: 'maxLength' }),
        expect.objectContaining({ path: '/extra', keyword: 'additionalProperties', message: 'is not allowed' }),
      ]),
    );
    expect(registry.validate('DealOpened', { dealId: 'd-1' })).toEqual([
      { path: '/contactId', keyword: 'required', message: 'is required' },
      { path: '/amountMinor', keyword: 'required', message: 'is required' },
      { path: '/currency', keyword: 'required', message: 'is required' },
      { path: '/stage', keyword: 'required', message: 'is required' },
    ]);
    expect(registry.validate('DealOpened', 'not an object')).toEqual([{ path: '', keyword: 'type', message: 'must be object' }]);
  });

  it('throws a ContractViolationError naming type, version and paths, but no values', () => {
    const secret = 'call me on 555-0100 tonight';
    const error = catchError(() => registry.assertValid('DealOpened', { ...v3.example, note: secret, extra: 1 }));
    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error).toMatchObject({ eventType: 'DealOpened', schemaVersion: 3 });
    expect((error as ContractViolationError).violations.map((v) => v.path)).toEqual(['/extra', '/note']);
    expect((error as Error).message).toBe(
      'DealOpened v3 breaks its contract: /extra is not allowed; /note must NOT have more than 20 characters',
    );
    expect((error as Error).message).not.toContain(secret);
  });

  it('compiles each schema once, when the registry is built', () => {
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    try {
      const fresh = new ContractRegistry({ contracts: [v1, v2, v3], upcasters: [v1ToV2, v2ToV3] });
      expect(compile).toHaveBeenCalledTimes(3);
      for (let i = 0; i < 5; i++) fresh.validate('DealOpened', v3.example);
      fresh.decode('DealOpened', 1, v1.example);
      expect(compile).toHaveBeenCalledTimes(3);
    } finally {
      compile.mockRestore();
    }
  });
});

describe('ContractRegistry upcasting', () => {
  it('chains upcasters from the stored version to the current one', () => {
    expect(registry.toCurrent('DealOpened', 1, { dealId: 'd-9', contactId: 'c-9', amount: 3 })).toEqual({
      dealId: 'd-9',
      contactId: 'c-9',
      amountMinor: 300,
      currency: 'EUR',
      stage: 'open',
    });
    expect(registry.toCurrent('DealOpened', 2, v2.example)).toEqual({ ...v2.example, stage: 'open' });
  });

  it('leaves current data as it is', () => {
    const data = { ...v3.example, note: 'hi' };
    expect(registry.toCurrent('DealOpened', 3, data)).toBe(data);
  });

  it('follows an upcaster that skips versions', () => {
    const v1ToV3 = defineUpcaster(v1, v3, 'Straight to v3.', ({ amount, ...rest }) => ({
      ...rest,
      amountMinor: amount,
      currency: 'USD',
      stage: 'qualified' as const,
    }));
    const skipping = new ContractRegistry({ contracts: [v1, v2, v3], upcasters: [v1ToV3, v2ToV3] });
    expect(skipping.toCurrent('DealOpened', 1, v1.example)).toMatchObject({
      amountMinor: 12,
      currency: 'USD',
      stage: 'qualified',
    });
  });

  it('fails clearly on a version newer than this build knows, or one that never existed', () => {
    expect(() => registry.toCurrent('DealOpened', 4, {})).toThrow(new UnknownSchemaVersionError('DealOpened', 4, 3));
    expect(() => registry.toCurrent('DealOpened', 4, {})).toThrow('DealOpened v4 is newer than this build knows (current v3)');
    expect(() => registry.toCurrent('DealOpened', 0, {})).toThrow('DealOpened has no schema version 0 (current v3)');
    expect(() => registry.toCurrent('DealClosed', 1, {})).toThrow(UnknownEventTypeError);
  });

  it('decodes: upcasts, then checks the current contract', () => {
    expect(registry.decode('DealOpened', 1, v1.example)).toEqual({ ...v2.example, stage: 'open' });
    expect(() => registry.decode('DealOpened', 1, { dealId: 'd-1', contactId: 'c-1', amount: 'twelve' })).toThrow(
      ContractViolationError,
    );
  });
});

describe('ContractRegistry at the store', () => {
  it('prepares an event for append: checked, with its schema version in the metadata', () => {
    const prepared = registry.prepareForAppend({ type: 'crm.sales.DealOpened', data: v3.example, metadata: { actor: 'user-1' } });
    expect(prepared).toEqual({ type: 'DealOpened', data: v3.example, metadata: { actor: 'user-1', schemaVersion: 3 } });
    expect(registry.prepareForAppend({ type: 'ProductPriced', data: productPriced.example }).metadata).toEqual({
      schemaVersion: 1,
    });
    expect(() => registry.prepareForAppend({ type: 'DealOpened', data: v1.example })).toThrow(ContractViolationError);
  });

  it('turns a stored event into the current domain event', () => {
    const stored = (data: unknown, metadata?: { schemaVersion?: unknown }) => ({ type: 'DealOpened', data, metadata });
    const current = { ...v2.example, stage: 'open' };
    expect(registry.toDomainEvent(stored(v1.example, { schemaVersion: 1 }))).toEqual({ type: 'DealOpened', data: current });
    expect(registry.toDomainEvent(stored(v3.example, { schemaVersion: 3 }))).toEqual({ type: 'DealOpened', data: v3.example });
    // Events recorded before versioning carry no schemaVersion: they are v1.
    expect(registry.toDomainEvent(stored(v1.example))).toEqual({ type: 'DealOpened', data: current });
    expect(() => registry.toDomainEvent(stored(v3.example, { schemaVersion: '3' }))).toThrow(
      'DealOpened has no schema version "3"',
    );
  });
});

describe('building a ContractRegistry', () => {
  const refuses = (build: () => unknown, message: string | RegExp) => {
    expect(build).toThrow(ContractDefinitionError);
    expect(build).toThrow(message);
  };

  it('refuses a version defined twice, or one name in two services', () => {
    refuses(() => new ContractRegistry({ contracts: [v1, v1] }), 'DealOpened v1 is defined twice');
    const elsewhere = defineEvent({ ...productPricedDefinition, service: 'sales' });
    refuses(
      () => new ContractRegistry({ contracts: [productPriced, elsewhere] }),
      'ProductPriced is defined by both catalog and sales',
    );
  });

  it('refuses an example that breaks its own schema', () => {
    const broken = defineEvent({ ...productPricedDefinition, example: { productId: 'p-1', priceMinor: -1 } });
    refuses(
      () => new ContractRegistry({ contracts: [broken] }),
      /the example of ProductPriced breaks ProductPriced v1: \/priceMinor must be >= 0/,
    );
  });

  it('refuses an older version that cannot be upcast to the current one', () => {
    refuses(
      () => new ContractRegistry({ contracts: [v1, v2, v3], upcasters: [v2ToV3] }),
      'DealOpened v1 cannot reach v3: no upcaster from v1',
    );
  });

  it('refuses upcasters that link an unknown version, or two from one version', () => {
    refuses(
      () => new ContractRegistry({ contracts: [v1, v3], upcasters: [v1ToV2] }),
      'Upcaster DealOpened v1 → v2 links an undefined version',
    );
    refuses(
      () => new ContractRegistry({ contracts: [v1, v2, v3], upcasters: [v1ToV2, v1ToV2, v2ToV3] }),
      'DealOpened has two upcasters from v1',
    );
  });

  it('refuses an upcaster that turns the old example into invalid new data', () => {
    const careless = defineUpcaster(
      v1,
      v2,
      'Forgets the currency.',
      ({ amount, ...rest }) => ({ ...rest, amountMinor: amount }) as DataOf<typeof v2>,
    );
    refuses(
      () => new ContractRegistry({ contracts: [v1, v2], upcasters: [careless] }),
      /upcasting the v1 example of DealOpened breaks DealOpened v2: \/currency is required/,
    );
  });

  it('refuses an upcaster between different event types or backwards', () => {
    expect(() => defineUpcaster(v1, productPriced, 'Nonsense.', () => productPriced.example)).toThrow(ContractDefinitionError);
    expect(() => defineUpcaster(v2, v1, 'Backwards.', () => v1.example)).toThrow('must go to a newer version, not v2 → v1');
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
