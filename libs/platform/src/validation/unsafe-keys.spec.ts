import { findUnsafeKeys, inspectInput, MAX_INPUT_DEPTH, unsafeInputDetail } from './unsafe-keys';

const fields = (input: unknown) => findUnsafeKeys(input).map((e) => e.field);

describe('findUnsafeKeys', () => {
  it('accepts ordinary input', () => {
    expect(
      findUnsafeKeys({ name: 'Ada $ and dots. in values', tags: ['$vip', 'a.b'], nested: { price: { amount: 10 } } }),
    ).toEqual([]);
    expect(findUnsafeKeys(undefined)).toEqual([]);
    expect(findUnsafeKeys('$ne')).toEqual([]);
  });

  it('finds operator keys at any depth, with their path', () => {
    expect(fields({ name: { $ne: null } })).toEqual(['name.$ne']);
    expect(fields({ $where: '1' })).toEqual(['$where']);
    expect(fields({ emails: [{ address: { $regex: '.*' } }, { address: 'ok' }] })).toEqual(['emails[0].address.$regex']);
    expect(fields({ a: { b: { c: { d: { $gt: 1 } } } } })).toEqual(['a.b.c.d.$gt']);
  });

  it('finds dotted and prototype keys', () => {
    expect(fields({ 'profile.role': 'admin' })).toEqual(['["profile.role"]']);
    expect(fields(JSON.parse('{"__proto__": {"isAdmin": true}}'))).toEqual(['__proto__']);
  });

  it('checks each bracket segment of flat query keys', () => {
    expect(fields({ 'filter[$where]': '1' })).toEqual(['["filter[$where]"]']);
    expect(fields({ 'filter[stage]': 'won' })).toEqual([]);
  });

  it('names a query parameter as it was sent', () => {
    expect(findUnsafeKeys({ 'email[__proto__]': 'x', 'a.b': '1', email: { $ne: 'x' } }, 'query').map((e) => e.field)).toEqual([
      'a.b',
      'email.$ne',
      'email[__proto__]',
    ]);
  });

  it('reports every offending key, sorted, with where it was', () => {
    expect(findUnsafeKeys({ b: { $in: [] }, a: { $ne: 1 } }, 'query')).toEqual([
      { field: 'a.$ne', messages: [expect.stringContaining('"$"')], in: 'query' },
      { field: 'b.$in', messages: [expect.stringContaining('"$"')], in: 'query' },
    ]);
  });

  it('refuses input nested deeper than the limit without overflowing', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const errors = findUnsafeKeys(deep);
    expect(errors).toHaveLength(1);
    expect(errors[0].messages[0]).toContain(String(MAX_INPUT_DEPTH));
  });

  it('finds text no database stores: NUL characters and unpaired surrogates, in values and keys', () => {
    const found = inspectInput({
      jobTitle: 'CTO\u0000',
      tags: ['ok', '\ud800x', 'x\udc00'],
      emoji: '\ud83d\ude00',
      ['a\u0000']: 1,
    });
    expect(found.text.map((e) => e.field)).toEqual(['["a\\u0000"]', 'jobTitle', 'tags[1]', 'tags[2]']);
    expect(found.keys).toEqual([]);
    expect(findUnsafeKeys({ jobTitle: 'CTO\u0000' })).toEqual([]);
  });
});

describe('unsafeInputDetail', () => {
  const deep = () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < MAX_INPUT_DEPTH + 2; i++) value = { a: value };
    return value;
  };

  it('says what is wrong: nesting is not an operator key', () => {
    expect(unsafeInputDetail(inspectInput(deep()))).toBe(`The input is nested deeper than ${MAX_INPUT_DEPTH} levels.`);
    expect(unsafeInputDetail(inspectInput({ $where: 1 }))).toBe(
      'Keys that look like database operators or paths are not allowed.',
    );
    expect(unsafeInputDetail(inspectInput({ name: '\u0000' }))).toBe(
      'Text must be Unicode without NUL characters or unpaired surrogates.',
    );
  });

  it('counts when the input is wrong in several ways', () => {
    expect(unsafeInputDetail(inspectInput({ $where: 1, name: '\u0000', deep: deep() }))).toBe(
      '3 parts of the input are not allowed; see errors.',
    );
  });
});
