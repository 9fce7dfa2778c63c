import type { QueryErrors } from './errors';

/** One parameter as sent: `createdAt[gte]=2025-01-01T00:00:00Z` is `{ name: 'createdAt', operator: 'gte' }`. */
export interface QueryParam {
  /** As the client wrote it, for error reports. */
  readonly param: string;
  readonly name: string;
  /** Absent without brackets. */
  readonly operator?: string;
  /** More than one when the key was repeated. */
  readonly values: readonly string[];
}

/** What `@Query()` hands over (a parsed query string), or the query string's parameters themselves. */
export type QueryInput = Readonly<Record<string, unknown>> | URLSearchParams;

const BRACKETED = /^([^[\]]+)\[([^[\]]*)\]$/;

/**
 * Flattens the two shapes Express can produce into one list: the "simple" parser keeps
 * `createdAt[gte]` as a key, the "extended" one (qs) nests it as `{ createdAt: { gte } }`.
 * Anything but strings, arrays of strings and that one level of nesting is reported, never passed on.
 */
export function readQueryParams(query: QueryInput, errors: QueryErrors): QueryParam[] {
  const params: QueryParam[] = [];
  const add = (param: string, name: string, operator: string | undefined, value: unknown) => {
    const values: string[] = [];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') values.push(item);
      // What qs leaves of `email[__proto__]=x`: an empty object, which would filter on nothing.
      else if (operator === undefined && isObject(item) && Object.keys(item).length === 0)
        errors.add(param, 'has neither a value nor an operator: write name=value or name[operator]=value');
      else if (operator === undefined && isObject(item)) {
        for (const key of Object.keys(item)) add(`${name}[${key}]`, name, key, (item as Record<string, unknown>)[key]);
      } else if (isObject(item)) errors.add(param, 'is nested too deeply: write name[operator]=value');
      else errors.add(param, 'must be a string');
    }
    if (values.length > 0) params.push({ param, name, operator, values });
  };
  for (const [key, value] of entriesOf(query)) {
    const bracketed = BRACKETED.exec(key);
    if (bracketed) add(key, bracketed[1], bracketed[2], value);
    else add(key, key, undefined, value);
  }
  return params;
}

function entriesOf(query: QueryInput): [string, unknown][] {
  if (query instanceof URLSearchParams) return [...new Set(query.keys())].map((key) => [key, query.getAll(key)]);
  if (!isObject(query)) return [];
  // Own keys only: qs is run with allowPrototypes, so `constructor` can be an own key, and a prototype is never ours.
  return Object.keys(query).map((key) => [key, query[key]]);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
