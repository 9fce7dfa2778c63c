import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { alpha3ToAlpha2, getAlpha2Codes } from 'i18n-iso-countries';
import type { RowFieldError } from './rows';

/** How names compare: without case, accents, punctuation or extra spaces (`Côte d'Ivoire` is `cote divoire`). */
const nameKey = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

const AMBIGUOUS = '';

/**
 * Every country name i18n-iso-countries knows, in each of its languages (official names and the common ones:
 * `USA`, `UK`, `Deutschland`, `Schweiz`), by name key. A key two languages give to different countries is ambiguous
 * and reads as no country rather than a guess.
 */
const CODES_BY_NAME: ReadonlyMap<string, string> = (() => {
  const langs = dirname(require.resolve('i18n-iso-countries/langs/en.json'));
  const byName = new Map<string, string>();
  for (const file of readdirSync(langs).filter((name) => name.endsWith('.json'))) {
    const { countries } = JSON.parse(readFileSync(join(langs, file), 'utf8')) as { countries: Record<string, string | string[]> };
    for (const [code, names] of Object.entries(countries)) {
      for (const name of Array.isArray(names) ? names : [names]) {
        const key = nameKey(name);
        const known = byName.get(key);
        byName.set(key, known === undefined || known === code ? code : AMBIGUOUS);
      }
    }
  }
  return byName;
})();

const ALPHA_2: ReadonlySet<string> = new Set(Object.keys(getAlpha2Codes()));

/**
 * The ISO 3166-1 alpha-2 code a spreadsheet cell means: a code in any case (`ch`), an alpha-3 code (`CHE`), or a
 * country's name in any language i18n-iso-countries has (`Switzerland`, `Schweiz`, `Suisse`). Undefined when it means
 * none, or more than one.
 */
export function countryCodeOf(cell: string): string | undefined {
  const text = cell.trim();
  const upper = text.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper) && ALPHA_2.has(upper)) return upper;
  if (/^[A-Z]{3}$/.test(upper)) {
    const code = alpha3ToAlpha2(upper);
    if (code) return code;
  }
  const byName = CODES_BY_NAME.get(nameKey(text));
  return byName === AMBIGUOUS ? undefined : byName;
}

/** A country cell as its alpha-2 code (countryCodeOf); one that names no country is reported on `field`. */
export function readCountryCell<F extends string>(
  cell: string | undefined,
  field: F,
  errors: RowFieldError[],
): string | undefined {
  if (cell === undefined) return undefined;
  const code = countryCodeOf(cell);
  if (code === undefined) errors.push({ field, messages: [`"${cell}" is no country name or ISO 3166-1 code`] });
  return code;
}
