import { importSkippingInvalidCells, InvalidRowError, mergeByField, type RowValues } from './rows';

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

  it('leaves out only the bad items of a list cell, named by their place in the file’s cell', async () => {
    const seen: (string | undefined)[] = [];
    // Refuses items starting with x, one pass at a time: the second pass names its item in the shortened cell.
    const importTags = async (values: RowValues): Promise<'created'> => {
      seen.push(values.tags);
      const bad = (values.tags ?? '').split(/;\s*/).findIndex((tag) => tag.startsWith('x'));
      if (bad >= 0) throw new InvalidRowError([{ field: 'tags', items: [bad + 1], messages: ['must not start with x'] }]);
      return 'created';
    };
    expect(await importSkippingInvalidCells({ tags: 'a;x1;b;x2' }, importTags, [])).toEqual({
      outcome: 'created',
      warnings: [
        { field: 'tags', items: [2], messages: ['must not start with x'] },
        { field: 'tags', items: [4], messages: ['must not start with x'] },
      ],
    });
    expect(seen).toEqual(['a;x1;b;x2', 'a; b; x2', 'a; b']);
  });

  it('lets errors other than a refused row through', async () => {
    const down = new Error('store down');
    await expect(importSkippingInvalidCells({}, () => Promise.reject(down), [])).rejects.toBe(down);
  });
});

describe('mergeByField', () => {
  it('merges the items of one field, and an error about the whole cell makes the merged one about the whole cell', () => {
    expect(
      mergeByField([
        { field: 'companyIds', items: [3], messages: ['no company a'] },
        { field: 'companyIds', items: [1], messages: ['no company b'] },
      ]),
    ).toEqual([{ field: 'companyIds', items: [1, 3], messages: ['no company a', 'no company b'] }]);
    expect(
      mergeByField([
        { field: 'companyIds', items: [3], messages: ['no company a'] },
        { field: 'companyIds', messages: ['must be UUIDs separated by ;'] },
      ]),
    ).toEqual([{ field: 'companyIds', messages: ['no company a', 'must be UUIDs separated by ;'] }]);
  });
});
