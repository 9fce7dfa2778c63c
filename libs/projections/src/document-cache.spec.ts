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

  it('filling a collection from empty, looks for nothing it did not write, until one it wrote is evicted or forgotten', () => {
    const cache = new DocumentCache(2, { startsEmpty: true });
    cache.remember([{ type: 'insert', document: stored('a', 1) }]);
    expect(cache.lookup(['a', 'new'])).toEqual({ found: new Map([['a', stored('a', 1)]]), missing: [] });
    cache.remember([{ type: 'delete', expected: { _id: 'a', version: 1, generation: 1 } }]);
    expect(cache.lookup(['a']).missing).toEqual([]); // deleted: not in the database either

    const forgetting = new DocumentCache(2, { startsEmpty: true });
    forgetting.remember([{ type: 'insert', document: stored('a', 1) }]);
    forgetting.forget(['a']); // a failed batch may have written it
    expect(forgetting.lookup(['a', 'new']).missing).toEqual(['a', 'new']);

    const evicting = new DocumentCache(2, { startsEmpty: true });
    evicting.remember(['a', 'b', 'c'].map((id) => ({ type: 'insert', document: stored(id, 1) })));
    expect(evicting.lookup(['a', 'new']).missing).toEqual(['a', 'new']);
  });

  it('runs batches that share a document one after the other, in call order, and the others at once', async () => {
    const cache = new DocumentCache();
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const batch = (name: string, ids: string[]) =>
      cache.inTurn(ids, async () => {
        log.push(`${name} starts`);
        await new Promise<void>((resolve) => gates.set(name, resolve));
        log.push(`${name} ends`);
        return name;
      });
    const first = batch('first', ['a', 'b']);
    const sharing = batch('sharing', ['b', 'c']);
    const apart = batch('apart', ['d']);
    const last = batch('last', ['c']);
    await flush();
    expect(log).toEqual(['first starts', 'apart starts']);
    gates.get('apart')!();
    await flush();
    expect(log).toEqual(['first starts', 'apart starts', 'apart ends']);
    gates.get('first')!();
    await flush();
    expect(log.slice(3)).toEqual(['first ends', 'sharing starts']); // 'last' waits for 'sharing' (c)
    gates.get('sharing')!();
    await flush();
    gates.get('last')!();
    expect(await Promise.all([first, sharing, apart, last])).toEqual(['first', 'sharing', 'apart', 'last']);
    expect(log.slice(4)).toEqual(['sharing starts', 'sharing ends', 'last starts', 'last ends']);
  });

  it('a failed batch hands the turn on, and its caller gets the failure', async () => {
    const cache = new DocumentCache();
    const failing = cache.inTurn(['a'], () => Promise.reject(new Error('write failed')));
    const next = cache.inTurn(['a'], () => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('write failed');
    await expect(next).resolves.toBe('next');
  });
});

const flush = () => new Promise((resolve) => setImmediate(resolve));
