import { importSkippingInvalidCells, InvalidRowError, type RowValues } from './rows';

/** A row importer's check: an amount of digits, a known stage, and a name to create with. */
async function importDeal(values: RowValues): Promise<'created'> {
  const errors = [
    ...(values.amount !== undefined && !/^\d+$/.test(values.amount) ? [{ field: 'amount', messages: ['must be a number'] }] : []),
    ...(values.stage !== undefined && values.stage !== 'won' ? [{ field: 'stage', messages: ['must be won'] }] : []),
    ...(values.name === undefined ? [{ field: 'name', messages: ['is needed'] }] : []),
    ...(values.dealId !== undefined && !values.dealId.startsWith('d-')
      ? [{ field: 'dealId', messages: ['must start with d-'] }]
      : []),
  ];
  if (errors.length > 0) throw new InvalidRowError(errors);
  return 'created';
}

describe('importSkippingInvalidCells', () => {
  it('imports the row again without the cells its refusal named, each a warning', async () => {
    expect(await importSkippingInvalidCells({ name: 'Big deal', amount: 'lots', stage: 'maybe' }, importDeal, [])).toEqual({
      outcome: 'created',
      warnings: [
        { field: 'amount', messages: ['must be a number'] },
        { field: 'stage', messages: ['must be won'] },
      ],
    });
    expect(await importSkippingInvalidCells({ name: 'Fine' }, importDeal, [])).toEqual({ outcome: 'created', warnings: [] });
  });

  it('refuses a row left without what it needs, with every reason, the cells left out too', async () => {
    const refused = importSkippingInvalidCells({ amount: 'lots' }, importDeal, []);
    await expect(refused).rejects.toBeInstanceOf(InvalidRowError);
    await expect(refused).rejects.toMatchObject({
      errors: [
        { field: 'amount', messages: ['must be a number'] },
        { field: 'name', messages: ['is needed'] },
      ],
    });
  });

  it('never leaves out a kept field (an id that says which record), nor a cell the row does not have', async () => {
    await expect(
      importSkippingInvalidCells({ name: 'A', dealId: 'x-1', amount: 'lots' }, importDeal, ['dealId']),
    ).rejects.toMatchObject({
      errors: [
        { field: 'amount', messages: ['must be a number'] },
        { field: 'dealId', messages: ['must start with d-'] },
      ],
    });
  });

  it('lets errors other than a refused row through', async () => {
    const down = new Error('store down');
    await expect(importSkippingInvalidCells({}, () => Promise.reject(down), [])).rejects.toBe(down);
  });
});
