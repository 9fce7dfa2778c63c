import type { mongo } from 'mongoose';
import { defineListQuery, findPage, normalizeSearchText } from '@crm/read-api';
import { testDatabase } from '../../projections/test/support';

const OWNERS = [
  '0192f6a0-7e3b-7c2a-9f00-000000000001',
  '0192f6a0-7e3b-7c2a-9f00-000000000002',
  '0192f6a0-7e3b-7c2a-9f00-000000000003',
];
const GIVEN = ['Ada', 'Grace', 'Alan', 'Émile', 'Emmy'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Noether', undefined, 'Smith.Jones', 'SmithXJones'];
const TAGS = [['vip'], ['a', 'b'], [], ['b'], ['vip', 'a']];
const BASE = Date.parse('2025-01-01T00:00:00Z');

interface Contact {
  _id: string;
  lifecycleStage: string;
  name: { given: string; family?: string };
  email?: string;
  tags: string[];
  score?: number | null;
  visits: number;
  vip?: boolean;
  ownerId?: string;
  birthday: string;
  createdAt: string;
  lastSeenAt?: Date;
  note?: string;
  search: { given: string; family?: string; email?: string };
}

/** 50 contacts with ties, missing values and explicit nulls in every sortable field; ids not in insertion order. */
const contacts: Contact[] = Array.from({ length: 50 }, (_, i) => {
  const given = GIVEN[i % GIVEN.length];
  const family = FAMILY[i % FAMILY.length];
  const email = i % 4 === 3 ? undefined : `${given.toLowerCase()}.${i}@example.com`;
  const score = i % 12 === 11 ? null : i % 6 === 5 ? undefined : ((i * 7) % 11) - 3 + (i % 10 === 1 ? 0.5 : 0);
  return compact({
    _id: `c-${String((i * 37) % 50).padStart(2, '0')}`,
    lifecycleStage: ['lead', 'customer', 'churned'][i % 3],
    name: compact({ given, family }),
    email,
    tags: TAGS[i % TAGS.length],
    score,
    visits: i % 10,
    vip: i % 3 === 0 ? true : i % 3 === 1 ? false : undefined,
    ownerId: i % 2 === 1 ? OWNERS[i % 3] : undefined,
    birthday: `19${70 + (i % 30)}-0${1 + (i % 9)}-15`,
    createdAt: new Date(BASE + Math.floor(i / 3) * 3_600_000).toISOString(),
    lastSeenAt: i % 4 === 0 ? undefined : new Date(BASE + ((i * 13) % 17) * 60_000),
    note: i % 8 === 0 ? 'call back' : undefined,
    search: compact({
      given: normalizeSearchText(given),
      family: family && normalizeSearchText(family),
      email: email && normalizeSearchText(email),
    }),
  }) as Contact;
});

const contactList = defineListQuery({
  fields: {
    contactId: { type: 'string', path: '_id' },
    lifecycleStage: { type: 'enum', values: ['lead', 'customer', 'churned'] },
    email: { type: 'string', normalize: (value) => value.toLowerCase() },
    givenName: { type: 'string', path: 'name.given' },
    familyName: { type: 'string', path: 'name.family' },
    tags: { type: 'string', array: true },
    score: { type: 'number' },
    visits: { type: 'integer' },
    vip: { type: 'boolean' },
    ownerId: { type: 'uuid' },
    birthday: { type: 'date' },
    createdAt: { type: 'date-time' },
    lastSeenAt: { type: 'date-time', storedAs: 'date' },
    note: { type: 'string' },
  },
  sortable: ['contactId', 'createdAt', 'familyName', 'givenName', 'score', 'visits', 'lastSeenAt'],
  defaultSort: '-createdAt',
  search: { paths: ['search.given', 'search.family', 'search.email'] },
});

describe('list query against the MongoDB-wire server', () => {
  let database: Awaited<ReturnType<typeof testDatabase>>;
  let collection: mongo.Collection<Contact>;
  beforeAll(async () => {
    database = await testDatabase('listquery');
    collection = database.db.collection<Contact>('contacts');
    await collection.insertMany(contacts);
  });
  afterAll(async () => {
    await database.close();
  });

  async function idsOf(query: Record<string, string>): Promise<string[]> {
    const { items, next } = await findPage(collection, contactList.parse({ ...query, limit: '200' }), { map: ({ _id }) => _id });
    expect(next).toBeUndefined();
    return items.sort();
  }
  const idsWhere = (predicate: (contact: Contact) => boolean) =>
    contacts
      .filter(predicate)
      .map(({ _id }) => _id)
      .sort();
  const has = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;

  describe('each operator returns exactly the matching documents', () => {
    const cases: [string, Record<string, string>, (contact: Contact) => boolean][] = [
      ['enum eq', { lifecycleStage: 'lead' }, (c) => c.lifecycleStage === 'lead'],
      ['enum neq', { 'lifecycleStage[neq]': 'lead' }, (c) => c.lifecycleStage !== 'lead'],
      ['enum in', { 'lifecycleStage[in]': 'lead,churned' }, (c) => ['lead', 'churned'].includes(c.lifecycleStage)],
      ['id in', { 'contactId[in]': 'c-01,c-02,c-99' }, (c) => ['c-01', 'c-02'].includes(c._id)],
      ['string eq, normalized', { email: 'ADA.0@example.com' }, (c) => c.email === 'ada.0@example.com'],
      ['string exists', { 'email[exists]': 'false' }, (c) => c.email === undefined],
      ['string gt', { 'familyName[gt]': 'N' }, (c) => has(c.name.family) && c.name.family > 'N'],
      ['string lte', { 'familyName[lte]': 'Lovelace' }, (c) => has(c.name.family) && c.name.family <= 'Lovelace'],
      ['string neq, missing included', { 'familyName[neq]': 'Hopper' }, (c) => c.name.family !== 'Hopper'],
      ['contains, case-insensitive', { 'familyName[contains]': 'OVEL' }, (c) => c.name.family === 'Lovelace'],
      ['contains, metacharacters literal', { 'familyName[contains]': 'h.j' }, (c) => c.name.family === 'Smith.Jones'],
      ['contains, no pattern', { 'familyName[contains]': '.*' }, () => false],
      ['startsWith, case-insensitive', { 'familyName[startsWith]': 'ho' }, (c) => c.name.family === 'Hopper'],
      ['startsWith, Unicode case', { 'givenName[startsWith]': 'émi' }, (c) => c.name.given === 'Émile'],
      ['array eq: any element', { tags: 'vip' }, (c) => c.tags.includes('vip')],
      ['array neq: no element', { 'tags[neq]': 'vip' }, (c) => !c.tags.includes('vip')],
      ['array in', { 'tags[in]': 'a,b' }, (c) => c.tags.includes('a') || c.tags.includes('b')],
      ['number gt', { 'score[gt]': '3' }, (c) => has(c.score) && c.score > 3],
      ['number gte', { 'score[gte]': '3' }, (c) => has(c.score) && c.score >= 3],
      ['number lt', { 'score[lt]': '-1' }, (c) => has(c.score) && c.score < -1],
      ['number lte, decimals', { 'score[lte]': '-1.5' }, (c) => has(c.score) && c.score <= -1.5],
      ['number eq', { score: '4.5' }, (c) => c.score === 4.5],
      ['number neq', { 'score[neq]': '0' }, (c) => c.score !== 0],
      ['number in', { 'score[in]': '0,7,-2.5' }, (c) => [0, 7, -2.5].includes(c.score as number)],
      ['number exists (null counts)', { 'score[exists]': 'true' }, (c) => c.score !== undefined],
      ['integer range', { 'visits[gte]': '3', 'visits[lt]': '7' }, (c) => c.visits >= 3 && c.visits < 7],
      ['boolean eq', { vip: 'true' }, (c) => c.vip === true],
      ['boolean neq', { 'vip[neq]': 'true' }, (c) => c.vip !== true],
      ['boolean exists', { 'vip[exists]': 'false' }, (c) => c.vip === undefined],
      ['uuid eq', { ownerId: OWNERS[1].toUpperCase() }, (c) => c.ownerId === OWNERS[1]],
      ['uuid in', { 'ownerId[in]': `${OWNERS[0]},${OWNERS[2]}` }, (c) => c.ownerId === OWNERS[0] || c.ownerId === OWNERS[2]],
      ['date lt', { 'birthday[lt]': '1985-01-01' }, (c) => c.birthday < '1985-01-01'],
      ['date eq', { birthday: '1971-02-15' }, (c) => c.birthday === '1971-02-15'],
      [
        'date-time range with an offset',
        { 'createdAt[gte]': '2025-01-01T05:00:00+02:00', 'createdAt[lt]': '2025-01-01T09:00:00Z' },
        (c) => c.createdAt >= '2025-01-01T03:00:00.000Z' && c.createdAt < '2025-01-01T09:00:00.000Z',
      ],
      ['date-time eq', { createdAt: '2025-01-01T02:00:00Z' }, (c) => c.createdAt === '2025-01-01T02:00:00.000Z'],
      [
        'BSON date gt',
        { 'lastSeenAt[gt]': '2025-01-01T00:10:00Z' },
        (c) => has(c.lastSeenAt) && c.lastSeenAt.getTime() > Date.parse('2025-01-01T00:10:00Z'),
      ],
      [
        'BSON date in',
        { 'lastSeenAt[in]': '2025-01-01T00:00:00Z,2025-01-01T00:16:00Z' },
        (c) => has(c.lastSeenAt) && [0, 16].includes((c.lastSeenAt.getTime() - BASE) / 60_000),
      ],
      ['exists true', { 'note[exists]': 'true' }, (c) => c.note !== undefined],
      [
        'several fields ANDed',
        { lifecycleStage: 'customer', 'score[gte]': '0', tags: 'a' },
        (c) => c.lifecycleStage === 'customer' && has(c.score) && c.score >= 0 && c.tags.includes('a'),
      ],
    ];

    it.each(cases)('%s', async (_name, query, predicate) => {
      const expected = idsWhere(predicate);
      expect(await idsOf(query)).toEqual(expected);
    });

    it('covers matches and misses in every case', () => {
      const trivial = cases.filter(
        ([name, , predicate]) => name !== 'contains, no pattern' && [0, 50].includes(idsWhere(predicate).length),
      );
      expect(trivial.map(([name]) => name)).toEqual([]);
    });
  });

  describe('search', () => {
    const searched = (prefix: string) =>
      idsWhere((c) => [c.search.given, c.search.family, c.search.email].some((text) => text?.startsWith(prefix)));

    it('matches a normalized prefix of any search path', async () => {
      for (const [q, prefix] of [
        ['EMI', 'emi'],
        ['Émile.3', 'emile.3'],
        ['hop', 'hop'],
        ['a', 'a'],
        ['smith.', 'smith.'],
        ['  Grace ', 'grace'],
      ]) {
        expect(searched(prefix).length).toBeGreaterThan(0);
        expect(await idsOf({ q })).toEqual(searched(prefix));
      }
      expect(await idsOf({ q: 'smith.' })).toEqual(idsWhere((c) => c.name.family === 'Smith.Jones'));
      expect(await idsOf({ q: 'ovelace' })).toEqual([]); // a prefix, not a substring
      expect(await idsOf({ q: '.*' })).toEqual([]);
    });

    it('ANDs with the filters', async () => {
      expect(await idsOf({ q: 'ada', lifecycleStage: 'lead' })).toEqual(
        idsWhere((c) => c.lifecycleStage === 'lead' && [c.search.given, c.search.email].some((text) => text?.startsWith('ada'))),
      );
    });
  });

  describe('paging visits every document exactly once, in order', () => {
    const orders: [string | undefined, [(contact: Contact) => unknown, 1 | -1][]][] = [
      [
        undefined,
        [
          [(c) => c.createdAt, -1],
          [(c) => c._id, -1],
        ],
      ],
      [
        'createdAt',
        [
          [(c) => c.createdAt, 1],
          [(c) => c._id, 1],
        ],
      ],
      [
        '-score',
        [
          [(c) => c.score, -1],
          [(c) => c._id, -1],
        ],
      ],
      [
        'score',
        [
          [(c) => c.score, 1],
          [(c) => c._id, 1],
        ],
      ],
      [
        'familyName,-score',
        [
          [(c) => c.name.family, 1],
          [(c) => c.score, -1],
          [(c) => c._id, -1],
        ],
      ],
      [
        '-familyName,givenName',
        [
          [(c) => c.name.family, -1],
          [(c) => c.name.given, 1],
          [(c) => c._id, 1],
        ],
      ],
      [
        'lastSeenAt',
        [
          [(c) => c.lastSeenAt?.getTime(), 1],
          [(c) => c._id, 1],
        ],
      ],
      [
        '-lastSeenAt,visits',
        [
          [(c) => c.lastSeenAt?.getTime(), -1],
          [(c) => c.visits, 1],
          [(c) => c._id, 1],
        ],
      ],
      ['-contactId', [[(c) => c._id, -1]]],
    ];

    it.each(orders)('sort=%s', async (sort, keys) => {
      const expected = [...contacts].sort(byKeys(keys)).map(({ _id }) => _id);
      for (const limit of [1, 7, 50]) {
        const { ids, sizes } = await pageThrough(sort === undefined ? {} : { sort }, limit);
        expect(ids).toEqual(expected);
        expect(sizes.slice(0, -1).every((size) => size === limit)).toBe(true);
      }
    });

    it('keeps the filters while paging', async () => {
      const { ids } = await pageThrough({ sort: '-score,familyName', vip: 'false' }, 4);
      const expected = contacts
        .filter((c) => c.vip === false)
        .sort(
          byKeys([
            [(c) => c.score, -1],
            [(c) => c.name.family, 1],
            [(c) => c._id, 1],
          ]),
        )
        .map(({ _id }) => _id);
      expect(ids).toEqual(expected);
    });

    async function pageThrough(query: Record<string, string>, limit: number): Promise<{ ids: string[]; sizes: number[] }> {
      const ids: string[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      do {
        const parsed = contactList.parse({ ...query, limit: String(limit), ...(cursor === undefined ? {} : { cursor }) });
        const page = await findPage(collection, parsed, { projection: { search: 0 }, map: ({ _id }) => _id });
        ids.push(...page.items);
        sizes.push(page.items.length);
        cursor = page.next;
        if (sizes.length > 60) throw new Error('paging did not end');
      } while (cursor !== undefined);
      return { ids, sizes };
    }
  });
});

/** MongoDB's order for one type per field: null and missing first, then values. */
function byKeys(keys: [(contact: Contact) => unknown, 1 | -1][]): (a: Contact, b: Contact) => number {
  const compare = (x: unknown, y: unknown): number => {
    const a = x ?? null;
    const b = y ?? null;
    if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  return (a, b) => {
    for (const [value, direction] of keys) {
      const order = compare(value(a), value(b)) * direction;
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** Without its undefined members: the driver would store them as null. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
