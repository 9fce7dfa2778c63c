import { compileDefinition } from './definition';
import { parseSort, sortSignature } from './sort';

const { fields } = compileDefinition({
  fields: {
    createdAt: { type: 'date-time' },
    lastSeenAt: { type: 'date-time', storedAs: 'date' },
    familyName: { type: 'string', path: 'name.family' },
    contactId: { type: 'uuid', path: '_id' },
    email: { type: 'string' },
  },
  sortable: ['createdAt', 'lastSeenAt', 'familyName', 'contactId'],
});
const sort = (raw: string) => {
  const parsed = parseSort(raw, fields);
  return parsed.ok ? parsed.value.map(({ path, direction }) => `${path}:${direction}`) : parsed.messages;
};

describe('parseSort', () => {
  it('reads a comma list, "-" for descending, and breaks ties by _id in the last key\'s direction', () => {
    expect(sort('-createdAt,familyName')).toEqual(['createdAt:-1', 'name.family:1', '_id:1']);
    expect(sort('familyName,-createdAt')).toEqual(['name.family:1', 'createdAt:-1', '_id:-1']);
    expect(sort('+familyName')).toEqual(['name.family:1', '_id:1']);
    expect(sort(' familyName , -createdAt ')).toEqual(['name.family:1', 'createdAt:-1', '_id:-1']); // "+" arrives as " "
  });

  it('needs no tiebreaker when a key is _id itself', () => {
    expect(sort('-contactId')).toEqual(['_id:-1']);
    expect(sort('familyName,contactId')).toEqual(['name.family:1', '_id:1']);
  });

  it('marks keys stored as dates, for the cursor', () => {
    const parsed = parseSort('lastSeenAt', fields);
    expect(parsed.ok && parsed.value.map((key) => key.storedAs)).toEqual(['date', 'value']);
  });

  it('refuses unknown, unsortable, repeated and empty keys, all at once, naming what is sortable', () => {
    expect(sort('email,-nope,createdAt,-createdAt,,$natural')).toEqual([
      'cannot sort by "email"',
      'cannot sort by "nope"',
      'sorts by createdAt twice',
      'has an empty key',
      'cannot sort by "$natural"',
      'sortable: createdAt, lastSeenAt, familyName, contactId, each with "-" for descending',
    ]);
    expect(sort('')).toEqual(['has an empty key', expect.stringContaining('sortable:')]);
  });

  it('signs the order with the API names', () => {
    const parsed = parseSort('-createdAt,familyName', fields);
    expect(parsed.ok && sortSignature(parsed.value)).toBe('-createdAt,familyName,_id');
  });
});
