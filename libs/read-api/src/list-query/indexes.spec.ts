import type { ProjectionIndex } from '@crm/projections';
import { compileDefinition, InvalidListQueryDefinitionError, type ListQueryDefinition } from './definition';
import { orderIsIndexed, unindexedQueries } from './indexes';
import { defineListQuery } from './list-query';

const people: ListQueryDefinition = {
  fields: {
    id: { type: 'uuid', path: '_id' },
    status: { type: 'enum', values: ['active', 'archived'] },
    familyName: { type: 'string', path: 'name.family' },
    tags: { type: 'string', array: true },
    createdAt: { type: 'date-time' },
  },
  sortable: ['id', 'familyName', 'createdAt'],
  defaultSort: '-createdAt',
  search: { paths: ['search'] },
};

const index = (fields: Record<string, 1 | -1 | 'text'>, options?: ProjectionIndex['options']): ProjectionIndex => ({
  fields,
  options,
});
const complete = [
  index({ status: 1, createdAt: 1, _id: 1 }),
  index({ 'name.family': 1, _id: 1 }),
  index({ tags: 1 }),
  index({ createdAt: -1, _id: -1 }),
  index({ search: 1 }),
];
const gaps = (indexes: ProjectionIndex[], scope?: string[], definition: ListQueryDefinition = people) =>
  unindexedQueries(compileDefinition(definition), indexes, scope).map((need) => need.query);

describe('the indexes a list query needs', () => {
  it('are served: each filter by an index that starts with it, each sort with the _id tie-breaker, search and default sort', () => {
    expect(gaps(complete)).toEqual([]);
  });

  it('names each filter, sort and search that no index serves (_id is always indexed)', () => {
    expect(gaps([])).toEqual([
      'filter status',
      'filter familyName',
      'sort familyName',
      'filter tags',
      'filter createdAt',
      'sort createdAt',
      'search search',
      'default sort -createdAt',
    ]);
  });

  it('reads an index either way, but not with its keys in mixed directions', () => {
    const without = complete.filter((i) => !('name.family' in (i.fields as object)));
    expect(gaps([...without, index({ 'name.family': -1, _id: -1 })])).toEqual([]);
    expect(gaps([...without, index({ 'name.family': 1, _id: -1 })])).toEqual(['sort familyName']);
    // The field alone: filters are served, a page in its order would need a sort in memory among equal names.
    expect(gaps([...without, index({ 'name.family': 1 })])).toEqual(['sort familyName']);
  });

  it('does not count an index that cannot answer every query on its keys', () => {
    const without = complete.filter((i) => !('tags' in (i.fields as object)));
    for (const options of [
      { sparse: true },
      { partialFilterExpression: { tags: { $exists: true } } },
      { collation: { locale: 'en' } },
    ]) {
      expect(gaps([...without, index({ tags: 1 }, options)])).toEqual(['filter tags']);
    }
    expect(gaps([...without, index({ search: 'text', tags: 1 })])).toEqual(['filter tags']);
  });

  it('with a scope, wants indexes that start with it; a filter is then served by any of them', () => {
    const scoped = { ...people, search: undefined };
    expect(
      gaps(
        [
          index({ ownerId: 1, createdAt: -1, _id: -1 }),
          index({ ownerId: 1, 'name.family': 1, _id: 1 }),
          index({ ownerId: 1, _id: 1 }),
        ],
        ['ownerId'],
        scoped,
      ),
    ).toEqual([]);
    expect(gaps([index({ createdAt: -1, _id: -1 })], ['ownerId'], scoped)).toEqual([
      'sort id',
      'filter status',
      'filter familyName',
      'sort familyName',
      'filter tags',
      'filter createdAt',
      'sort createdAt',
      'default sort -createdAt',
    ]);
  });

  it('stops a definition whose read model lacks an index, naming what to add', () => {
    const readModel = { name: 'people', collection: 'people', indexes: complete.slice(1) };
    expect(() => defineListQuery({ ...people, readModel })).toThrow(InvalidListQueryDefinitionError);
    expect(() => defineListQuery({ ...people, readModel })).toThrow(
      'No index of people (projection people) serves: filter status (add { status: 1 })',
    );
    expect(() => defineListQuery({ ...people, readModel: { ...readModel, indexes: complete } })).not.toThrow();
  });

  it('tells whether a hand-written query in a given order is served', () => {
    const timeline = [index({ customerId: 1, occurredAt: -1, position: -1, _id: -1 })];
    const sort = { occurredAt: -1, position: -1, _id: -1 } as const;
    expect(orderIsIndexed(timeline, { scope: ['customerId'], sort })).toBe(true);
    expect(orderIsIndexed(timeline, { scope: ['customerId'], sort: { occurredAt: 1, position: 1, _id: 1 } })).toBe(true);
    expect(orderIsIndexed(timeline, { scope: ['customerId'], sort: { occurredAt: -1, position: 1, _id: -1 } })).toBe(false);
    expect(orderIsIndexed(timeline, { sort })).toBe(false);
  });
});
