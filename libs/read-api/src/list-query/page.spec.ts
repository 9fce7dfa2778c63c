import { defineListQuery } from './list-query';
import { findPage, page } from './page';

const byScore = defineListQuery({ fields: { score: { type: 'number' }, label: { type: 'string' } }, sortable: ['score'] });
const docs = [
  { _id: 'a', score: 1, label: 'one' },
  { _id: 'b', score: 2, label: 'two' },
  { _id: 'c', score: 2, label: 'three' },
];

describe('page', () => {
  it('shows at most limit items, and no next when nothing follows', () => {
    const parsed = byScore.parse({ sort: 'score', limit: '3' });
    expect(page(docs, parsed)).toEqual({ items: docs });
    expect(page([], parsed)).toEqual({ items: [] });
  });

  it('hands out the position of the last item shown when the extra document says more follow', () => {
    const parsed = byScore.parse({ sort: 'score', limit: '2' });
    const { items, next } = page(docs, parsed);
    expect(items).toEqual(docs.slice(0, 2));
    expect(byScore.parse({ sort: 'score', limit: '2', cursor: next }).filter).toEqual({
      $or: [{ score: { $gt: 2 } }, { score: { $eq: 2 }, _id: { $gt: 'b' } }],
    });
  });

  it('shapes the items', () => {
    const parsed = byScore.parse({ limit: '1' });
    expect(page(docs, parsed, ({ label }) => ({ label }))).toEqual({ items: [{ label: 'one' }], next: expect.any(String) });
  });

  it('refuses to page by a path that holds an object', () => {
    const parsed = byScore.parse({ sort: 'score', limit: '1' });
    expect(() => page([{ _id: 'a', score: { $gt: 1 } }, docs[1]], parsed)).toThrow(
      'Cannot page by score: the document holds a object there',
    );
  });
});

describe('findPage', () => {
  it('asks for one document more than the page, in the order and with the filter parsed', async () => {
    const calls: unknown[] = [];
    const cursor = {
      sort: (sort: unknown) => (calls.push(['sort', sort]), cursor),
      limit: (limit: number) => (calls.push(['limit', limit]), cursor),
      toArray: async () => docs,
    };
    const collection = { find: (filter: unknown, options: unknown) => (calls.push(['find', filter, options]), cursor) };
    const parsed = byScore.parse({ sort: '-score', 'score[gte]': '1', limit: '2' });
    const result = await findPage(collection as never, parsed, { projection: { label: 0 }, map: ({ _id }) => _id });
    expect(result).toEqual({ items: ['a', 'b'], next: expect.any(String) });
    expect(calls).toEqual([
      ['find', { score: { $gte: 1 } }, { projection: { label: 0 } }],
      ['sort', { score: -1, _id: -1 }],
      ['limit', 3],
    ]);
  });
});
