import { ContactKeyIndex, KEY_INDEX_REFRESH_MS } from './contact-key-index';

type Listed = { contactId: string; emails: string[]; phones: string[] };

/** A contact list that answers each read with the next batch of documents, and keeps the filters it was asked for. */
function fakeList(...reads: Listed[][]) {
  const filters: unknown[] = [];
  const list = {
    find: (filter: unknown) => {
      filters.push(filter);
      const documents = reads.shift() ?? [];
      const cursor = {
        sort: () => cursor,
        batchSize: () => cursor,
        [Symbol.asyncIterator]: async function* () {
          yield* documents;
        },
      };
      return cursor;
    },
  };
  return { list: list as unknown as Parameters<typeof ContactKeyIndex.load>[0], filters };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));
const start = Date.parse('2026-12-01T10:00:00.000Z');

describe('ContactKeyIndex', () => {
  it('gives each e-mail address and number to the oldest listed contact holding it, merged ones left out', async () => {
    const { list, filters } = fakeList([
      { contactId: 'a', emails: ['ada@example.com'], phones: ['+41446681800'] },
      { contactId: 'b', emails: ['ada@example.com', 'bob@example.com'], phones: [] },
    ]);
    const index = await ContactKeyIndex.load(list, () => start);
    expect([index.emailOwner('ada@example.com'), index.emailOwner('bob@example.com')]).toEqual(['a', 'b']);
    expect([index.phoneOwner('+41446681800'), index.phoneOwner('+41790000000')]).toEqual(['a', undefined]);
    expect(filters).toEqual([{ mergedInto: { $exists: false } }]);
  });

  it('gives the keys a job wrote to the contact it wrote them to', async () => {
    const index = await ContactKeyIndex.load(
      fakeList([{ contactId: 'a', emails: ['ada@example.com'], phones: [] }]).list,
      () => start,
    );
    index.remember('c', ['ada@example.com', 'new@example.com'], ['+41446681800']);
    expect([index.emailOwner('ada@example.com'), index.emailOwner('new@example.com'), index.phoneOwner('+41446681800')]).toEqual([
      'c',
      'c',
      'c',
    ]);
  });

  it('reads the contacts changed since its last read every half minute, adding keys no one holds yet', async () => {
    let now = start;
    const { list, filters } = fakeList(
      [{ contactId: 'a', emails: ['ada@example.com'], phones: [] }],
      [{ contactId: 'b', emails: ['ada@example.com', 'bob@example.com'], phones: ['+41446681800'] }],
    );
    const index = await ContactKeyIndex.load(list, () => now);
    now += KEY_INDEX_REFRESH_MS - 1;
    index.refresh();
    await settled();
    expect(filters).toHaveLength(1);

    now += 1;
    index.refresh();
    await settled();
    expect(filters[1]).toEqual({ updatedAt: { $gte: '2026-12-01T09:59:50.000Z' }, mergedInto: { $exists: false } });
    expect([index.emailOwner('ada@example.com'), index.emailOwner('bob@example.com'), index.phoneOwner('+41446681800')]).toEqual([
      'a',
      'b',
      'b',
    ]);
  });
});
