import express from 'express';
import { parseQueryString, ProblemError, type FieldError } from '@crm/platform';
import { InvalidListQueryDefinitionError, type FieldDefinition, type ListQueryDefinition } from './definition';
import { InvalidQueryError } from './errors';
import { defineListQuery, type ParsedListQuery } from './list-query';
import { page } from './page';
import { positionToken } from '../read-position';
import type { QueryInput } from './query-params';

const OWNER = '0192f6a0-7e3b-7c2a-9f00-0123456789ab';

const contacts = defineListQuery({
  fields: {
    lifecycleStage: { type: 'enum', values: ['lead', 'customer', 'churned'] },
    email: { type: 'string', normalize: (value) => value.trim().toLowerCase() },
    familyName: { type: 'string', path: 'name.family' },
    tags: { type: 'string', array: true },
    score: { type: 'number' },
    visits: { type: 'integer' },
    vip: { type: 'boolean' },
    ownerId: { type: 'uuid' },
    birthday: { type: 'date' },
    createdAt: { type: 'date-time' },
    lastSeenAt: { type: 'date-time', storedAs: 'date' },
    note: { type: 'string', operators: ['eq', 'exists'] },
  },
  sortable: ['createdAt', 'familyName', 'score', 'lastSeenAt'],
  defaultSort: '-createdAt',
  search: { paths: ['search.name', 'search.email'] },
  extraKeys: ['waitFor'],
});

const filterOf = (query: QueryInput) => contacts.parse(query).filter;

function problemOf(query: QueryInput, listQuery = contacts): { type: string; status: number; errors: readonly FieldError[] } {
  try {
    listQuery.parse(query);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidQueryError);
    expect(error).toBeInstanceOf(ProblemError);
    const { type, status, errors } = (error as InvalidQueryError).problem;
    return { type, status, errors: errors! };
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}
const errorsOf = (query: QueryInput) =>
  Object.fromEntries(problemOf(query).errors.map(({ field, messages }) => [field, messages]));

/** Every key a filter holds is a path of ours or an operator we wrote; every leaf a scalar. */
function expectOnlyScalars(filter: unknown, depth = 0): void {
  expect(depth).toBeLessThan(8);
  if (Array.isArray(filter)) return filter.forEach((item) => expectOnlyScalars(item, depth + 1));
  if (filter instanceof Date || filter === null || typeof filter !== 'object') {
    return expect(['string', 'number', 'boolean', 'object']).toContain(typeof filter);
  }
  for (const [key, value] of Object.entries(filter)) {
    expect(key).toMatch(/^(\$(and|or|eq|ne|in|gt|gte|lt|lte|regex|options|exists)|[A-Za-z_][\w.]*)$/);
    expectOnlyScalars(value, depth + 1);
  }
}

describe('defineListQuery().parse', () => {
  it('without parameters: everything, newest first, 50 at a time', () => {
    expect(contacts.parse({})).toEqual({
      filter: {},
      sort: { createdAt: -1, _id: -1 },
      limit: 50,
      keys: [
        { field: 'createdAt', path: 'createdAt', direction: -1, storedAs: 'value' },
        { field: '_id', path: '_id', direction: -1, storedAs: 'value' },
      ],
    });
  });

  describe('operators', () => {
    it.each<[string, QueryInput, object]>([
      ['eq, bare', { lifecycleStage: 'lead' }, { lifecycleStage: { $eq: 'lead' } }],
      ['eq', { 'lifecycleStage[eq]': 'lead' }, { lifecycleStage: { $eq: 'lead' } }],
      ['neq', { 'lifecycleStage[neq]': 'lead' }, { lifecycleStage: { $ne: 'lead' } }],
      ['in', { 'lifecycleStage[in]': 'lead,customer' }, { lifecycleStage: { $in: ['lead', 'customer'] } }],
      ['gt', { 'score[gt]': '1.5' }, { score: { $gt: 1.5 } }],
      ['gte', { 'visits[gte]': '3' }, { visits: { $gte: 3 } }],
      ['lt', { 'birthday[lt]': '2000-01-01' }, { birthday: { $lt: '2000-01-01' } }],
      ['lte', { 'familyName[lte]': 'M' }, { 'name.family': { $lte: 'M' } }],
      ['contains', { 'familyName[contains]': 'love' }, { 'name.family': { $regex: 'love', $options: 'i' } }],
      ['startsWith', { 'familyName[startsWith]': 'Lo' }, { 'name.family': { $regex: '^Lo', $options: 'i' } }],
      ['exists true', { 'note[exists]': 'true' }, { note: { $exists: true } }],
      ['exists false', { 'ownerId[exists]': 'false' }, { ownerId: { $exists: false } }],
    ])('%s', (_name, query, filter) => {
      expect(filterOf(query)).toEqual(filter);
    });

    it('applies each type to its values: numbers, booleans, UUIDs, dates, date-times as ISO strings or dates', () => {
      expect(
        filterOf({
          score: '-2.5e1',
          visits: '7',
          vip: 'true',
          ownerId: OWNER.toUpperCase(),
          birthday: '1815-12-10',
          createdAt: '2025-01-31T10:30:00+01:00',
          lastSeenAt: '2025-01-31T09:30:00Z',
          email: ' Ada@Example.COM ',
          tags: 'vip',
        }),
      ).toEqual({
        score: { $eq: -25 },
        visits: { $eq: 7 },
        vip: { $eq: true },
        ownerId: { $eq: OWNER },
        birthday: { $eq: '1815-12-10' },
        createdAt: { $eq: '2025-01-31T09:30:00.000Z' },
        lastSeenAt: { $eq: new Date('2025-01-31T09:30:00.000Z') },
        email: { $eq: 'ada@example.com' },
        tags: { $eq: 'vip' },
      });
    });

    it('merges operators on one field into a range, and puts colliding ones under $and', () => {
      expect(filterOf({ 'createdAt[gte]': '2025-01-01T00:00:00Z', 'createdAt[lt]': '2025-02-01T00:00:00Z' })).toEqual({
        createdAt: { $gte: '2025-01-01T00:00:00.000Z', $lt: '2025-02-01T00:00:00.000Z' },
      });
      expect(filterOf({ 'familyName[startsWith]': 'lo', 'familyName[contains]': 'ace' })).toEqual({
        $and: [{ 'name.family': { $regex: '^lo', $options: 'i' } }, { 'name.family': { $regex: 'ace', $options: 'i' } }],
      });
    });

    it("reads qs's nested shape as the flat one", () => {
      const flat = { 'createdAt[gte]': '2025-01-01T00:00:00Z', 'score[in]': '1,2', vip: 'false' };
      const nested = { createdAt: { gte: '2025-01-01T00:00:00Z' }, score: { in: '1,2' }, vip: 'false' };
      expect(filterOf(nested)).toEqual(filterOf(flat));
      expect(filterOf(new URLSearchParams(flat))).toEqual(filterOf(flat));
    });

    it('reads what Express 5 makes of a query string with either parser', () => {
      const [simple, extended] = (['simple', 'extended'] as const).map((setting) =>
        contacts.parse(
          expressQuery(
            setting,
            'createdAt[gte]=2025-01-01T00:00:00%2B01:00&tags[in]=a,b&tags[in]=c&vip=true&familyName[startsWith]=Lo&sort=-score&limit=5',
          ),
        ),
      );
      expect(simple).toEqual(extended);
      expect(simple).toMatchObject({
        filter: {
          createdAt: { $gte: '2024-12-31T23:00:00.000Z' },
          tags: { $in: ['a', 'b', 'c'] },
          vip: { $eq: true },
          'name.family': { $regex: '^Lo', $options: 'i' },
        },
        sort: { score: -1, _id: -1 },
        limit: 5,
      });
      for (const setting of ['simple', 'extended'] as const) {
        const query = expressQuery(setting, 'email[$ne]=x&$where=1&familyName[regex]=.*');
        expect(problemOf(query).errors.map(({ field }) => field)).toEqual(['email[$ne]', '$where', 'familyName[regex]']);
      }
    });

    it('in: a comma list of typed values, duplicates dropped, repeated keys adding up, at most 100', () => {
      expect(filterOf({ 'score[in]': '1,2.5,1,-0' })).toEqual({ score: { $in: [1, 2.5, 0] } });
      expect(filterOf({ 'lastSeenAt[in]': '2025-01-01T00:00:00Z,2025-01-01T01:00:00+01:00' })).toEqual({
        lastSeenAt: { $in: [new Date('2025-01-01T00:00:00Z')] },
      });
      expect(filterOf({ 'lifecycleStage[in]': ['lead', 'customer,churned'] })).toEqual({
        lifecycleStage: { $in: ['lead', 'customer', 'churned'] },
      });
      const hundred = Array.from({ length: 100 }, (_, i) => i).join(',');
      expect((filterOf({ 'visits[in]': hundred }).visits as { $in: number[] }).$in).toHaveLength(100);
      expect(errorsOf({ 'visits[in]': `${hundred},100` })).toEqual({ 'visits[in]': ['must list at most 100 values'] });
      expect(errorsOf({ 'lifecycleStage[in]': 'lead,,prospect' })).toEqual({
        'lifecycleStage[in]': ['item 2 ("") must not be empty', 'item 3 ("prospect") must be one of: lead, customer, churned'],
      });
    });

    it('contains and startsWith match text literally, never as a pattern', () => {
      expect(filterOf({ 'familyName[contains]': '.*' })).toEqual({ 'name.family': { $regex: String.raw`\.\*`, $options: 'i' } });
      expect(filterOf({ 'email[startsWith]': ' A+B@(x) ' })).toEqual({
        email: { $regex: String.raw`^a\+b@\(x\)`, $options: 'i' },
      });
    });

    it('allows each type only the operators that make sense for it, and a field only those it lists', () => {
      expect(
        errorsOf({ 'vip[gt]': 'true', 'lifecycleStage[contains]': 'le', 'score[startsWith]': '1', 'note[contains]': 'x' }),
      ).toEqual({
        'vip[gt]': ['cannot use gt on vip (boolean); it takes eq, neq, exists'],
        'lifecycleStage[contains]': ['cannot use contains on lifecycleStage (enum); it takes eq, neq, in, exists'],
        'score[startsWith]': ['cannot use startsWith on score (number); it takes eq, neq, in, gt, gte, lt, lte, exists'],
        'note[contains]': ['cannot use contains on note (string); it takes eq, exists'],
      });
    });
  });

  describe('errors', () => {
    it('lists every bad parameter in one 400 invalid-query problem, in the order they were sent', () => {
      const problem = problemOf({
        'createdAt[gte]': 'yesterday',
        colour: 'red',
        'score[between]': '1,2',
        vip: 'yes',
        ownerId: 'not-a-uuid',
        limit: '1000',
        sort: '-email',
        cursor: 'garbage',
        'birthday[exists]': 'maybe',
      });
      expect(problem).toEqual({
        type: 'invalid-query',
        status: 400,
        errors: [
          { field: 'createdAt[gte]', messages: ['must be an RFC 3339 date-time such as 2025-01-31T09:30:00Z'], in: 'query' },
          {
            field: 'colour',
            messages: [expect.stringMatching(/^is not a parameter of this list \(it takes lifecycleStage, /)],
            in: 'query',
          },
          {
            field: 'score[between]',
            messages: ['has an unknown operator "between"; score takes eq, neq, in, gt, gte, lt, lte, exists'],
            in: 'query',
          },
          { field: 'vip', messages: ['must be true or false'], in: 'query' },
          { field: 'ownerId', messages: ['must be a UUID'], in: 'query' },
          { field: 'limit', messages: ['must be an integer from 1 to 200'], in: 'query' },
          {
            field: 'sort',
            messages: [
              'cannot sort by "email"',
              'sortable: familyName, score, createdAt, lastSeenAt, each with "-" for descending',
            ],
            in: 'query',
          },
          { field: 'birthday[exists]', messages: ['must be true or false'], in: 'query' },
        ],
      });
    });

    it('names every parameter the list takes', () => {
      expect(errorsOf({ x: '1' }).x).toEqual([
        'is not a parameter of this list (it takes lifecycleStage, email, familyName, tags, score, visits, vip, ownerId, birthday, ' +
          'createdAt, lastSeenAt, note, limit, cursor, sort, q, position, waitFor)',
      ]);
    });

    it('refuses repeated keys, except in lists', () => {
      expect(
        errorsOf({ email: ['a@x', 'b@x'], 'score[gt]': ['1', '2'], limit: ['1', '2'], sort: ['score', 'familyName'] }),
      ).toEqual({
        email: ['is given more than once; use [in] for any of several values'],
        'score[gt]': ['is given more than once'],
        limit: ['is given more than once'],
        sort: ['is given more than once'],
      });
      // `x` and `x[eq]` are the same condition
      expect(errorsOf({ score: '1', 'score[eq]': '2' })).toEqual({
        score: ['is given more than once; use [in] for any of several values'],
      });
    });

    it('refuses operators on reserved keys', () => {
      expect(errorsOf({ 'limit[gt]': '5', sort: { $natural: '1' }, q: { $ne: '' } })).toEqual({
        'limit[gt]': ['limit takes no operator'],
        'sort[$natural]': ['sort takes no operator'],
        'q[$ne]': ['q takes no operator'],
      });
    });

    it('reports every kind of bad value', () => {
      expect(
        errorsOf({
          email: '',
          familyName: 'x'.repeat(201),
          'tags[contains]': 'a\u0000',
          score: 'Infinity',
          visits: '1.5',
          birthday: '2023-02-29',
          createdAt: '2025-01-31T09:30:00 01:00',
          lifecycleStage: 'prospect',
        }),
      ).toEqual({
        email: ['must not be empty'],
        familyName: ['must be at most 200 characters'],
        'tags[contains]': ['must not contain control characters'],
        score: ['must be a finite number'],
        visits: ['must be an integer'],
        birthday: ['must be a date such as 2025-01-31'],
        createdAt: ['must be an RFC 3339 date-time; send the "+" of an offset as %2B'],
        lifecycleStage: ['must be one of: lead, customer, churned'],
      });
    });

    it('refuses limits outside 1..max', () => {
      for (const limit of ['0', '201', '-1', '1.5', 'ten', '', '1e2', '00000000001']) {
        expect(errorsOf({ limit })).toEqual({ limit: ['must be an integer from 1 to 200'] });
      }
      expect(contacts.parse({ limit: '200' }).limit).toBe(200);
      expect(contacts.parse({ limit: '1' }).limit).toBe(1);
      const small = defineListQuery({ fields: {}, defaultLimit: 10, maxLimit: 20 });
      expect(small.parse({}).limit).toBe(10);
      expect(problemOf({ limit: '21' }, small).errors).toEqual([
        { field: 'limit', messages: ['must be an integer from 1 to 20'], in: 'query' },
      ]);
    });
  });

  describe('injection', () => {
    it('refuses operator keys, in either query shape', () => {
      expect(errorsOf({ 'email[$ne]': 'x', $where: 'sleep(1000)', 'familyName[regex]': '.*', email: { $gt: '' } })).toEqual({
        'email[$ne]': ['has an unknown operator "$ne"; email takes eq, neq, in, gt, gte, lt, lte, contains, startsWith, exists'],
        $where: [expect.stringContaining('is not a parameter of this list')],
        'familyName[regex]': [expect.stringContaining('has an unknown operator "regex"')],
        'email[$gt]': [expect.stringContaining('has an unknown operator "$gt"')],
      });
      const withProto = JSON.parse('{"__proto__": "x"}') as Record<string, string>; // an own key, as qs makes it
      expect(errorsOf({ 'search.name': 'x', _id: 'x', 'name.family': 'x', ...withProto })).toEqual({
        'search.name': [expect.stringContaining('is not a parameter')],
        _id: [expect.stringContaining('is not a parameter')],
        'name.family': [expect.stringContaining('is not a parameter')],
        ['__proto__']: [expect.stringContaining('is not a parameter')],
      });
    });

    it('refuses __proto__ keys, which qs would drop and leave the list unfiltered', () => {
      expect(errorsOf({ email: {} })).toEqual({
        email: ['has neither a value nor an operator: write name=value or name[operator]=value'],
      });
      expect(errorsOf(parseQueryString('email[__proto__]=x'))).toEqual({
        email: [expect.stringContaining('has neither a value nor an operator')],
        'email[__proto__]': [expect.stringContaining('has an unknown operator "__proto__"')],
      });
      expect(errorsOf(parseQueryString('__proto__[x]=1'))).toEqual({
        '__proto__[x]': [expect.stringContaining('is not a parameter of this list')],
      });
    });

    it('never mistakes a prototype member for a field', () => {
      expect(errorsOf({ constructor: 'x', toString: 'x', hasOwnProperty: 'x' })).toEqual({
        constructor: [expect.stringContaining('is not a parameter')],
        toString: [expect.stringContaining('is not a parameter')],
        hasOwnProperty: [expect.stringContaining('is not a parameter')],
      });
    });

    it('keeps operator-looking values as plain strings', () => {
      expect(filterOf({ familyName: '{"$gt":""}', 'tags[in]': '{"$ne":null},$where' })).toEqual({
        'name.family': { $eq: '{"$gt":""}' },
        tags: { $in: ['{"$ne":null}', '$where'] },
      });
    });

    it('puts only scalars and operators of its own into any filter', () => {
      const hostile: QueryInput[] = [
        { familyName: '{"$gt":""}', 'familyName[contains]': '.*|(a+)+$', q: '^(?i).*', sort: '-score,familyName' },
        { 'lastSeenAt[in]': '2025-01-01T00:00:00Z', 'tags[neq]': '$ne', email: '[object Object]' },
      ];
      for (const query of hostile) expectOnlyScalars(contacts.parse(query).filter);
      const first = contacts.parse({ sort: 'score', limit: '1' });
      const cursor = contacts.parse({ sort: 'score', cursor: encodeNext(first, { _id: '{"$gt":""}', score: 1 }) });
      expectOnlyScalars(cursor.filter);
    });
  });

  describe('sort and cursor', () => {
    it('sorts by the paths of the fields named, _id last', () => {
      expect(contacts.parse({ sort: 'familyName,-score' }).sort).toEqual({ 'name.family': 1, score: -1, _id: -1 });
      expect(Object.keys(contacts.parse({ sort: '-score,familyName' }).sort)).toEqual(['score', 'name.family', '_id']);
    });

    it('continues after a cursor, with the filters still applied', () => {
      const parsed = contacts.parse({ sort: 'score', vip: 'true' });
      const cursor = encodeNext(parsed, { _id: 'c-9', score: 4 });
      expect(contacts.parse({ sort: 'score', vip: 'true', cursor }).filter).toEqual({
        vip: { $eq: true },
        $or: [{ score: { $gt: 4 } }, { score: { $eq: 4 }, _id: { $gt: 'c-9' } }],
      });
    });

    it('refuses a cursor made for another sort, or no cursor of ours', () => {
      const cursor = encodeNext(contacts.parse({ sort: 'score' }), { _id: 'c-9', score: 4 });
      expect(errorsOf({ sort: '-score', cursor })).toEqual({
        cursor: ['was made for another order (sort=score,_id); send that sort, or start again without a cursor'],
      });
      expect(errorsOf({ cursor })).toEqual({ cursor: [expect.stringContaining('was made for another order')] });
      expect(errorsOf({ cursor: 'eyJzIjoiLWNyZWF0ZWRBdCJ9' })).toEqual({
        cursor: ['was made for another order (sort=-createdAt); send that sort, or start again without a cursor'],
      });
      expect(errorsOf({ cursor: '%%%' })).toEqual({
        cursor: ['is not a cursor of this list: pass the `next` of a previous page'],
      });
    });

    it('does not judge a cursor against a sort that is itself wrong', () => {
      expect(Object.keys(errorsOf({ sort: 'nope', cursor: 'garbage' }))).toEqual(['sort']);
    });
  });

  describe('search', () => {
    it('is an anchored prefix on the normalized text of any search path', () => {
      expect(contacts.parse({ q: '  Émile  Zo ' })).toMatchObject({
        filter: { $or: [{ 'search.name': { $regex: '^emile zo' } }, { 'search.email': { $regex: '^emile zo' } }] },
        search: 'emile zo',
      });
      const single = defineListQuery({ fields: {}, search: { paths: ['search.all'], normalize: (text) => text.toUpperCase() } });
      expect(single.parse({ q: 'a.b' }).filter).toEqual({ 'search.all': { $regex: String.raw`^A\.B` } });
    });

    it('ANDs with the filters', () => {
      expect(filterOf({ q: 'ada', vip: 'true' })).toEqual({
        vip: { $eq: true },
        $or: [{ 'search.name': { $regex: '^ada' } }, { 'search.email': { $regex: '^ada' } }],
      });
    });

    it('is widened by a condition of the endpoint’s own, and only when there is a search', () => {
      const single = defineListQuery({ fields: {}, search: { paths: ['search'] } });
      const widenSearch = { companyIds: { $in: ['c-1'] } };
      expect(single.parse({ q: 'acme' }, { widenSearch }).filter).toEqual({
        $or: [{ search: { $regex: '^acme' } }, { companyIds: { $in: ['c-1'] } }],
      });
      expect(single.parse({}, { widenSearch }).filter).toEqual({});
    });

    it('ignores an empty search box and refuses what no search needs', () => {
      expect(contacts.parse({ q: '  ' }).filter).toEqual({});
      expect(errorsOf({ q: 'x'.repeat(201) })).toEqual({ q: ['must be at most 200 characters'] });
      expect(errorsOf({ q: 'a\nb' })).toEqual({ q: ['must not contain control characters'] });
    });

    it('carries a position token through as sent, for findPage to wait on', () => {
      const token = positionToken({ collection: 'contacts', documentId: 'c-1', stream: 'contact-c-1', revision: 2 });
      expect(contacts.parse({ position: token, q: 'ada' })).toMatchObject({ position: token, search: 'ada' });
      expect(contacts.parse({})).not.toHaveProperty('position');
      expect(errorsOf({ position: ['a', 'b'] })).toEqual({ position: ['is given more than once'] });
    });

    it('is no parameter of a list without search', () => {
      const plain = defineListQuery({ fields: {} });
      expect(problemOf({ q: 'x' }, plain).errors).toEqual([
        { field: 'q', messages: ['is not a parameter of this list (it takes limit, cursor, sort, position)'], in: 'query' },
      ]);
    });
  });

  it("passes over the endpoint's own keys, whatever their shape", () => {
    expect(contacts.parse({ waitFor: '5', vip: 'true' }).filter).toEqual({ vip: { $eq: true } });
    expect(contacts.parse({ waitFor: { revision: '5' } }).filter).toEqual({});
  });

  it('refuses a position that is no Position-Token with the other parameters, before anything is read', () => {
    expect(problemOf({ limit: '0', position: 'no token' }).errors).toEqual([
      { field: 'limit', messages: ['must be an integer from 1 to 200'], in: 'query' },
      { field: 'position', messages: ['is not a position token'], in: 'query' },
    ]);
    const token = positionToken({ collection: 'contacts', documentId: 'c-1', stream: 'contact-c-1', revision: 2 });
    expect(contacts.parse({ position: token }).position).toBe(token);
  });

  it('holds an own key that names its values to one of them, as the document says', () => {
    const merged = defineListQuery({ fields: {}, extraKeys: { includeMerged: { values: ['true', 'false'] } } });
    expect(merged.parse({ includeMerged: 'true' }).filter).toEqual({});
    expect(problemOf({ includeMerged: 'yes' }, merged).errors).toEqual([
      { field: 'includeMerged', messages: ['must be one of: true, false'], in: 'query' },
    ]);
    expect(problemOf({ includeMerged: ['true', 'false'] }, merged).errors).toEqual([
      { field: 'includeMerged', messages: ['is given more than once'], in: 'query' },
    ]);
    expect(problemOf({ 'includeMerged[ne]': 'true' }, merged).errors).toEqual([
      { field: 'includeMerged[ne]', messages: ['includeMerged takes no operator'], in: 'query' },
    ]);
  });
});

describe('defineListQuery', () => {
  const define = (definition: Partial<ListQueryDefinition<Record<string, FieldDefinition>>>) => () =>
    defineListQuery({ fields: {}, ...definition });

  it('refuses definitions that could not work, at start', () => {
    const bad: [Partial<ListQueryDefinition<Record<string, FieldDefinition>>>, RegExp][] = [
      [{ fields: { 'a.b': { type: 'string' } } }, /Field name "a.b"/],
      [{ fields: { $where: { type: 'string' } } }, /Field name "\$where"/],
      [{ fields: { _id: { type: 'string' } } }, /Field name "_id"/],
      [{ fields: { limit: { type: 'string' } } }, /"limit" is reserved/],
      [{ fields: { waitFor: { type: 'string' } }, extraKeys: ['waitFor'] }, /"waitFor" is reserved/],
      [{ fields: { a: { type: 'string', path: 'a.$b' } } }, /invalid path/],
      [{ fields: { a: { type: 'string', path: '' } } }, /invalid path/],
      [{ fields: { a: { type: 'json' as 'string' } } }, /unknown type "json"/],
      [{ fields: { a: { type: 'boolean', operators: ['eq', 'gt'] } } }, /cannot take gt/],
      [{ fields: { a: { type: 'enum', values: [] } } }, /no values/],
      [{ fields: { a: { type: 'string', array: true } }, sortable: ['a'] }, /Array field a cannot be sortable/],
      [{ sortable: ['missing'] }, /Sortable field missing is not a field/],
      [{ fields: { a: { type: 'string' }, b: { type: 'string', path: 'a' } }, sortable: ['a', 'b'] }, /share one path/],
      [{ fields: { a: { type: 'string' } }, defaultSort: '-b' }, /defaultSort "-b": cannot sort by "b"/],
      [{ extraKeys: ['cursor'] }, /"cursor" is reserved/],
      [{ search: { paths: [] } }, /at least one path/],
      [{ search: { paths: ['$where'] } }, /Invalid search path/],
      [{ defaultLimit: 300 }, /defaultLimit must be 1..200/],
      [{ maxLimit: 0 }, /maxLimit must be a positive integer/],
    ];
    for (const [definition, message] of bad) {
      expect(define(definition)).toThrow(InvalidListQueryDefinitionError);
      expect(define(definition)).toThrow(message);
    }
  });
});

/** What Express 5 hands to `@Query()` with its "simple" (node:querystring) or "extended" (qs) parser. */
function expressQuery(parser: 'simple' | 'extended', queryString: string): Record<string, unknown> {
  const parse = express().set('query parser', parser).get('query parser fn') as (query: string) => Record<string, unknown>;
  return parse(queryString);
}

/** The `next` a page ending with `last` hands out. */
const encodeNext = (parsed: ParsedListQuery, last: object): string =>
  page([last, { _id: 'more' }], { ...parsed, limit: 1 }).next!;
