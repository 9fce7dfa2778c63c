import { DocumentCache } from './document-cache';
import type { StoredDocument } from './document';

const stored = (id: string, version: number): StoredDocument => ({
  _id: id,
  name: `n${version}`,
  _meta: { streams: {}, version, generation: 1, updatedAt: new Date(0) },
});

describe('DocumentCache', () => {
  it('returns what was written and sends the rest to the database', () => {
    const cache = new DocumentCache();
    cache.remember([
      { type: 'insert', document: stored('a', 1) },
      { type: 'replace', expected: { _id: 'b', version: 1, generation: 1 }, document: stored('b', 2) },
    ]);
    const { found, missing } = cache.lookup(['a', 'b', 'c']);
    expect([...found.values()]).toEqual([stored('a', 1), stored('b', 2)]);
    expect(missing).toEqual(['c']);
  });

  it('forgets deleted documents and those of a failed batch', () => {
    const cache = new DocumentCache();
    cache.remember([1, 2, 3].map((n) => ({ type: 'insert', document: stored(`d${n}`, 1) })));
    cache.remember([{ type: 'delete', expected: { _id: 'd1', version: 1, generation: 1 } }]);
    cache.forget(['d2']);
    expect(cache.lookup(['d1', 'd2', 'd3']).missing).toEqual(['d1', 'd2']);
  });

  it('holds at most the given number of documents, dropping the least recently used', () => {
    const cache = new DocumentCache(2);
    cache.remember([{ type: 'insert', document: stored('a', 1) }]);
    cache.remember([{ type: 'insert', document: stored('b', 1) }]);
    cache.lookup(['a']);
    cache.remember([{ type: 'insert', document: stored('c', 1) }]);
    expect(cache.lookup(['a', 'b', 'c']).missing).toEqual(['b']);
  });
});
