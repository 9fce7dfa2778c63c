import { likelyDuplicate, likelyDuplicates, nameSimilarity, normalizeName, type DuplicateProbe } from './duplicates';

const ACME = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e70';
const GLOBEX = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e71';
const probe = (contactId: string, fields: Partial<DuplicateProbe> = {}): DuplicateProbe => ({
  contactId,
  givenName: 'Ada',
  familyName: 'Lovelace',
  emails: [],
  phones: [],
  companyIds: [],
  ...fields,
});

describe('duplicate detection', () => {
  const ada = probe('a', { emails: ['ada@example.com'], phones: ['+442071234567'], companyIds: [ACME] });

  it('given the same e-mail address, finds a likely duplicate with that reason', () => {
    expect(likelyDuplicate(ada, probe('b', { givenName: 'Augusta', emails: ['ada@example.com'] }))).toEqual({
      contactId: 'b',
      score: 0.9,
      reasons: [{ kind: 'same-email', email: 'ada@example.com' }],
    });
  });

  it('given the same phone number, scores it lower than an e-mail', () => {
    expect(likelyDuplicate(ada, probe('b', { givenName: 'Bob', phones: ['+442071234567'] }))).toMatchObject({
      score: 0.7,
      reasons: [{ kind: 'same-phone', phone: '+442071234567' }],
    });
  });

  it('given a similar name at the same company, counts it by the similarity', () => {
    const found = likelyDuplicate(ada, probe('b', { givenName: 'Adah', companyIds: [ACME, GLOBEX] }));
    expect(found?.reasons).toEqual([{ kind: 'similar-name-at-company', companyId: ACME, similarity: 0.92 }]);
    expect(found?.score).toBe(0.55);
  });

  it('given a similar name at another company only, finds nothing (namesakes are common)', () => {
    expect(likelyDuplicate(ada, probe('b', { companyIds: [GLOBEX] }))).toBeUndefined();
  });

  it('given a different name at the same company, finds nothing (colleagues)', () => {
    expect(likelyDuplicate(ada, probe('b', { givenName: 'Charles', familyName: 'Babbage', companyIds: [ACME] }))).toBeUndefined();
  });

  it('given several reasons, adds them up as independent evidence', () => {
    const found = likelyDuplicate(
      ada,
      probe('b', { emails: ['ada@example.com'], phones: ['+442071234567'], companyIds: [ACME] }),
    );
    expect(found?.score).toBe(0.99); // 1 - 0.1 × 0.3 × 0.4 = 0.988
    expect(found?.reasons.map((reason) => reason.kind)).toEqual(['same-email', 'same-phone', 'similar-name-at-company']);
  });

  it('never lists the contact itself, and orders the others most likely first', () => {
    const found = likelyDuplicates(ada, [
      ada,
      probe('c', { givenName: 'Bob', phones: ['+442071234567'] }),
      probe('b', { givenName: 'Bob', emails: ['ada@example.com'] }),
      probe('d', { givenName: 'Bob' }),
    ]);
    expect(found.map((duplicate) => duplicate.contactId)).toEqual(['b', 'c']);
  });
});

describe('name similarity', () => {
  it('ignores case, accents, punctuation and spacing', () => {
    expect(normalizeName("  José  O'Neil ")).toBe('jose oneil');
    expect(nameSimilarity({ givenName: 'José', familyName: "O'Neil" }, { givenName: 'jose', familyName: 'ONeil' })).toBe(1);
  });

  it('takes the parts in either order and a shortened given name as close', () => {
    expect(nameSimilarity({ givenName: 'Ada', familyName: 'Lovelace' }, { givenName: 'Lovelace', familyName: 'Ada' })).toBe(1);
    expect(nameSimilarity({ givenName: 'Alex', familyName: 'Smith' }, { givenName: 'Alexander', familyName: 'Smith' })).toBe(0.9);
  });

  it('finds no likeness in a missing name: two colleagues known by e-mail only are not one person by it', () => {
    const nameless = { givenName: '', familyName: '' };
    expect(nameSimilarity(nameless, nameless)).toBe(0);
    expect(nameSimilarity(nameless, { givenName: 'Ada', familyName: 'Lovelace' })).toBe(0);
    expect(nameSimilarity({ givenName: '', familyName: 'Lovelace' }, { givenName: '', familyName: 'Lovelace' })).toBe(1);
  });

  it('keeps different people apart', () => {
    expect(nameSimilarity({ givenName: 'John', familyName: 'Smith' }, { givenName: 'Jane', familyName: 'Smyth' })).toBeLessThan(
      0.8,
    );
  });
});
