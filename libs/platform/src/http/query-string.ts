import { parse } from 'qs';

/** As qs decodes a key: `+` is a space, and a malformed escape stays as it was. */
function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Where qs splits a pair into key and value: at the first `=`, or after `]` in `a[b]=c`. */
function keyOf(pair: string): string {
  const bracketEquals = pair.indexOf(']=');
  const at = bracketEquals === -1 ? pair.indexOf('=') : bracketEquals + 1;
  return at === -1 ? pair : pair.slice(0, at);
}

/**
 * Express's "extended" query parser (qs, with `allowPrototypes` as Express sets it), except that a key with a
 * `__proto__` segment is kept instead of dropped: qs leaves out `email[__proto__]=x` (so `email` arrives as `{}`) and
 * `__proto__[x]=1` altogether, and a filter sent that way would silently match everything. Kept as an own flat key
 * (`"email[__proto__]"`), it is refused like any other unsafe key (UnsafeKeysGuard).
 */
export function parseQueryString(query: string | null | undefined): Record<string, unknown> {
  // Express hands null for a URL without a query string, and parses again on each read of `request.query`.
  if (!query) return {};
  const parsed = parse(query, { allowPrototypes: true }) as Record<string, unknown>;
  for (const pair of query.split('&')) {
    const rawKey = keyOf(pair);
    const key = decode(rawKey);
    if (!key.split(/[[\]]+/).includes('__proto__')) continue;
    const value = decode(pair.slice(rawKey.length + 1));
    // defineProperty: an assignment to `__proto__` would set the prototype instead of a key.
    Object.defineProperty(parsed, key, { value, enumerable: true, configurable: true, writable: true });
  }
  return parsed;
}
