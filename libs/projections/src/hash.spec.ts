import { mongo } from 'mongoose';
import { canonicalDocument } from './hash';

describe('canonicalDocument', () => {
  const meta = (version: number, generation: number, updatedAt: Date) => ({
    streams: { 'contact-a': 3 },
    version,
    generation,
    updatedAt,
  });

  it('ignores key order and write bookkeeping, keeps content and applied revisions', () => {
    const live = { _id: 'a', name: 'Ada', tags: ['x'], _meta: meta(9, 1, new Date(1)) };
    const rebuilt = { _meta: meta(1, 2, new Date(2)), tags: ['x'], name: 'Ada', _id: 'a' };
    expect(canonicalDocument(live)).toBe(canonicalDocument(rebuilt));
    expect(canonicalDocument(live)).not.toBe(canonicalDocument({ ...live, tags: ['y'] }));
    expect(canonicalDocument(live)).not.toBe(
      canonicalDocument({ ...live, _meta: { ...live._meta, streams: { 'contact-a': 4 } } }),
    );
  });

  it('keeps BSON types apart from look-alike strings', () => {
    const id = new mongo.ObjectId();
    expect(canonicalDocument({ _id: 'a', ref: id })).not.toBe(canonicalDocument({ _id: 'a', ref: id.toHexString() }));
    expect(canonicalDocument({ _id: 'a', at: new Date(0) })).not.toBe(
      canonicalDocument({ _id: 'a', at: new Date(0).toISOString() }),
    );
  });
});
