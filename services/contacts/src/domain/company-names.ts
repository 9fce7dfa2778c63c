/**
 * Legal forms a company name ends with, as words once punctuation is gone (`GmbH & Co. KG` → `gmbh co kg`): the
 * same company is written with and without them (`Acme Inc.`, `ACME`).
 */
const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'llc',
  'llp',
  'lp',
  'plc',
  'pty',
  'pte',
  'gmbh',
  'mbh',
  'ag',
  'kg',
  'kgaa',
  'ohg',
  'ug',
  'ev',
  'se',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'oy',
  'ab',
  'as',
  'asa',
  'aps',
  'kk',
]);

/**
 * The key two names of one company share: without case, accents, punctuation or spacing, `&` read as `and`, and the
 * legal forms at its end dropped (`Müller GmbH & Co. KG` → `muller`). A name of legal forms only (`AG`) keeps them,
 * so that it still names something.
 */
export function companyNameKey(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // `Co.` and `S.A.`: letters split by dots are one word.
    .replace(/\b(\p{L})\.(?=\p{L}\b)/gu, '$1')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  let end = words.length;
  while (end > 1 && (LEGAL_FORMS.has(words[end - 1]) || (words[end - 1] === 'and' && end < words.length))) end--;
  return words.slice(0, end).join(' ');
}
