import { afterCursor, decodeCursor, encodeCursor } from './cursor';
import type { SortKey } from './sort';

const key = (field: string, direction: 1 | -1, path = field, storedAs: SortKey['storedAs'] = 'value'): SortKey => ({
  field,
  path,
  direction,
  storedAs,
});
const byNameThenNewest = [key('familyName', 1, 'name.family'), key('lastSeenAt', -1, 'lastSeenAt', 'date'), key('_id', -1)];
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decoded = (raw: string, keys = byNameThenNewest) => {
  const result = decodeCursor(raw, keys);
  return result.ok ? result.value : result.messages.join('; ');
};

describe('cursor', () => {
  it("round-trips the last item's sort values, nested paths, dates and missing values", () => {
    const doc = { _id: 'c-1', name: { family: 'Lovelace' }, lastSeenAt: new Date('2025-01-31T09:30:00.000Z'), other: { x: 1 } };
    expect(decoded(encodeCursor(byNameThenNewest, doc))).toEqual(['Lovelace', new Date('2025-01-31T09:30:00.000Z'), 'c-1']);
    expect(decoded(encodeCursor(byNameThenNewest, { _id: 7 }))).toEqual([null, null, 7]);
  });

  it('is base64url JSON bound to the order', () => {
    const cursor = encodeCursor(byNameThenNewest, { _id: 'c-1', name: { family: 'Ada' } });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.parse(Buffer.from(cursor, 'base64url').toString())).toEqual({
      s: 'familyName,-lastSeenAt,-_id',
      v: ['Ada', null, 'c-1'],
    });
  });

  it('refuses a cursor made for another order', () => {
    const cursor = encodeCursor([key('_id', 1)], { _id: 'c-1' });
    expect(decoded(cursor)).toBe('was made for another order (sort=_id); send that sort, or start again without a cursor');
  });

  it('refuses anything that is not a cursor of ours', () => {
    const notOurs = 'is not a cursor of this list: pass the `next` of a previous page';
    const signature = 'familyName,-lastSeenAt,-_id';
    for (const raw of [
      '',
      'not base64!',
      Buffer.from('not json').toString('base64url'),
      b64(null),
      b64(['Ada', null, 'c-1']),
      b64({ v: ['Ada', null, 'c-1'] }),
      b64({ s: signature, v: ['Ada', null] }),
      b64({ s: signature, v: 'Ada' }),
      b64({ s: signature, v: [{ $gt: '' }, null, 'c-1'] }), // operator injection through the cursor
      b64({ s: signature, v: [['Ada'], null, 'c-1'] }),
      b64({ s: signature, v: ['Ada', null, null] }), // _id is never null
      b64({ s: signature, v: ['Ada', '2025-01-31', 'c-1'] }), // not the ISO form a date key encodes
      b64({ s: signature, v: ['Ada', 1738315800000, 'c-1'] }),
      'A'.repeat(9000),
    ]) {
      expect(decoded(raw)).toBe(notOurs);
    }
  });

  describe('afterCursor', () => {
    it('continues after the position: later first key, or equal first and later second, and so on', () => {
      expect(afterCursor([key('score', 1), key('_id', 1)], [3, 'c-1'])).toEqual({
        $or: [{ score: { $gt: 3 } }, { score: { $eq: 3 }, _id: { $gt: 'c-1' } }],
      });
    });

    it('puts nulls and missing values first ascending, last descending', () => {
      expect(afterCursor([key('email', 1), key('_id', 1)], [null, 'c-1'])).toEqual({
        $or: [{ email: { $ne: null } }, { email: { $eq: null }, _id: { $gt: 'c-1' } }],
      });
      expect(afterCursor([key('email', -1), key('_id', -1)], ['a@x', 'c-1'])).toEqual({
        $or: [{ email: { $lt: 'a@x' } }, { email: { $eq: null } }, { email: { $eq: 'a@x' }, _id: { $lt: 'c-1' } }],
      });
      // after a null, descending, only other nulls with a later _id remain
      expect(afterCursor([key('email', -1), key('_id', -1)], [null, 'c-1'])).toEqual({
        email: { $eq: null },
        _id: { $lt: 'c-1' },
      });
    });

    it('matches nothing when nothing can follow', () => {
      expect(afterCursor([key('email', -1)], [null])).toEqual({ _id: { $in: [] } });
    });
  });
});
