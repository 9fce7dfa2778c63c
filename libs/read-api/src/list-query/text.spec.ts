import { escapeRegex, normalizeSearchText } from './text';

describe('escapeRegex', () => {
  it('makes every metacharacter literal', () => {
    const hostile = '.*+?^$' + '{}()|[]\\/-';
    const pattern = new RegExp(`^${escapeRegex(hostile)}$`);
    expect(pattern.test(hostile)).toBe(true);
    expect(pattern.test('anything else')).toBe(false);
    expect(escapeRegex('a.b')).toBe(String.raw`a\.b`);
    expect(escapeRegex('(a|b)')).toBe(String.raw`\(a\|b\)`);
  });

  it('leaves letters, digits and other characters alone', () => {
    expect(escapeRegex('Ada Lovelace 1815 é@#')).toBe('Ada Lovelace 1815 é@#');
  });
});

describe('normalizeSearchText', () => {
  it('lowercases, removes accents and collapses whitespace', () => {
    expect(normalizeSearchText('  Émile   ZOLA ')).toBe('emile zola');
    expect(normalizeSearchText('İstanbul')).toBe('istanbul');
    expect(normalizeSearchText('Ångström\tÇa')).toBe('angstrom ca');
  });
});
