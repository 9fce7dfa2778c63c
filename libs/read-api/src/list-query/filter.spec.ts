import { allOf } from './filter';

describe('allOf', () => {
  it('is empty for no conditions and the condition itself for one', () => {
    expect(allOf([])).toEqual({});
    expect(allOf([{ a: { $eq: 1 } }])).toEqual({ a: { $eq: 1 } });
  });

  it('merges distinct paths, and distinct operators on one path', () => {
    expect(allOf([{ a: { $gte: 1 } }, { b: { $eq: 'x' } }, { a: { $lt: 5 } }])).toEqual({
      a: { $gte: 1, $lt: 5 },
      b: { $eq: 'x' },
    });
  });

  it('puts what would collide under $and, losing no condition', () => {
    expect(allOf([{ a: { $regex: '^x' } }, { a: { $regex: 'y' } }])).toEqual({
      $and: [{ a: { $regex: '^x' } }, { a: { $regex: 'y' } }],
    });
    const search = { $or: [{ s: { $regex: '^a' } }] };
    const cursor = { $or: [{ t: { $gt: 1 } }] };
    expect(allOf([search, cursor])).toEqual({ $and: [search, cursor] });
    expect(allOf([{ a: 1 }, { a: { $ne: 2 } }])).toEqual({ $and: [{ a: 1 }, { a: { $ne: 2 } }] });
  });
});
