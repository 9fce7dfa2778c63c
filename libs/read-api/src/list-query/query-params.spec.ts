import { InvalidQueryError, QueryErrors } from './errors';
import { readQueryParams, type QueryInput } from './query-params';

const read = (query: QueryInput) => {
  const errors = new QueryErrors();
  const params = readQueryParams(query, errors);
  try {
    errors.throwIfAny();
    return { params, errors: [] };
  } catch (error) {
    return { params, errors: (error as InvalidQueryError).errors };
  }
};

describe('readQueryParams', () => {
  it("reads the simple parser's flat keys and qs's nesting alike", () => {
    const flat = read({ stage: 'lead', 'createdAt[gte]': '2025-01-01T00:00:00Z', tags: ['a', 'b'] });
    const nested = read({ stage: 'lead', createdAt: { gte: '2025-01-01T00:00:00Z' }, tags: ['a', 'b'] });
    const expected = [
      { param: 'stage', name: 'stage', operator: undefined, values: ['lead'] },
      { param: 'createdAt[gte]', name: 'createdAt', operator: 'gte', values: ['2025-01-01T00:00:00Z'] },
      { param: 'tags', name: 'tags', operator: undefined, values: ['a', 'b'] },
    ];
    expect(flat).toEqual({ params: expected, errors: [] });
    expect(nested).toEqual({ params: expected, errors: [] });
  });

  it('reads the shapes qs makes of mixed and repeated keys', () => {
    // `a[gte]=1&a=2` and `a[gte]=1&a[gte]=2` under qs
    expect(read({ a: [{ gte: '1' }, '2'] }).params).toEqual([
      { param: 'a[gte]', name: 'a', operator: 'gte', values: ['1'] },
      { param: 'a', name: 'a', operator: undefined, values: ['2'] },
    ]);
    expect(read({ a: { gte: ['1', '2'] } }).params).toEqual([
      { param: 'a[gte]', name: 'a', operator: 'gte', values: ['1', '2'] },
    ]);
  });

  it('reads URLSearchParams', () => {
    expect(read(new URLSearchParams('a=1&b[in]=x,y&a=2')).params).toEqual([
      { param: 'a', name: 'a', operator: undefined, values: ['1', '2'] },
      { param: 'b[in]', name: 'b', operator: 'in', values: ['x,y'] },
    ]);
  });

  it('keeps odd keys as names for the caller to refuse, and never looks at a prototype', () => {
    const query = Object.assign(Object.create({ inherited: 'x' }), { 'a[b][c]': '1', $where: 'sleep(1)', 'x[': '2' });
    expect(read(query).params.map(({ name, operator }) => [name, operator])).toEqual([
      ['a[b][c]', undefined],
      ['$where', undefined],
      ['x[', undefined],
    ]);
    expect(read({ constructor: 'x' }).params).toEqual([
      { param: 'constructor', name: 'constructor', operator: undefined, values: ['x'] },
    ]);
  });

  it('refuses values deeper than one operator and anything but strings', () => {
    const { params, errors } = read({
      email: { eq: { $gt: '' } },
      deep: { a: { b: { c: '1' } } },
      n: 5 as unknown as string,
      list: ['a', { $ne: 1 }, ['b']],
    });
    expect(params).toEqual([{ param: 'list', name: 'list', operator: undefined, values: ['a'] }]);
    expect(errors).toEqual([
      { field: 'email[eq]', messages: ['is nested too deeply: write name[operator]=value'], in: 'query' },
      { field: 'deep[a]', messages: ['is nested too deeply: write name[operator]=value'], in: 'query' },
      { field: 'n', messages: ['must be a string'], in: 'query' },
      { field: 'list[$ne]', messages: ['must be a string'], in: 'query' },
      { field: 'list', messages: ['must be a string'], in: 'query' },
    ]);
  });
});
