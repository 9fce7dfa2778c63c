import { ID_PATH } from './definition';
import { allOf, type ListFilter } from './filter';
import { sortSignature, type SortKey } from './sort';
import { invalid, type Parsed } from './values';

/** A position in the order: the last item's value for each sort key, `_id` last. */
export type CursorValue = string | number | boolean | Date | null;

export const MAX_CURSOR_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INVALID = 'is not a cursor of this list: pass the `next` of a previous page';

/** base64url of `{ s: sort signature, v: values }`; opaque to clients, readable by us. */
export function encodeCursor(keys: readonly SortKey[], doc: object): string {
  const values = keys.map((key) => cursorValue(valueAt(doc, key.path), key.path));
  return Buffer.from(JSON.stringify({ s: sortSignature(keys), v: values }), 'utf8').toString('base64url');
}

/**
 * The position a cursor names, checked to be made for this order and to hold only scalars. Not signed:
 * a forged cursor can only move within the list the filters already allow.
 */
export function decodeCursor(raw: string, keys: readonly SortKey[]): Parsed<CursorValue[]> {
  if (raw.length > MAX_CURSOR_LENGTH || !BASE64URL.test(raw)) return invalid(INVALID);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return invalid(INVALID);
  }
  if (decoded === null || typeof decoded !== 'object') return invalid(INVALID);
  const { s, v } = decoded as { s?: unknown; v?: unknown };
  if (typeof s !== 'string') return invalid(INVALID);
  if (s !== sortSignature(keys)) return otherOrder(s);
  if (!Array.isArray(v) || v.length !== keys.length) return invalid(INVALID);
  const values: CursorValue[] = [];
  for (const [index, key] of keys.entries()) {
    const value = fromJson(v[index], key);
    if (value === undefined) return invalid(INVALID);
    values.push(value);
  }
  return { ok: true, value: values };
}

const otherOrder = (signature: string): Parsed<never> =>
  invalid(`was made for another order (sort=${signature.slice(0, 100)}); send that sort, or start again without a cursor`);

/**
 * The items after `values` in the order of `keys` (keyset pagination): for some key i, every key
 * before i equals the cursor's and key i comes after it. Null and missing sort first, as in MongoDB.
 */
export function afterCursor(keys: readonly SortKey[], values: readonly CursorValue[]): ListFilter {
  const branches: ListFilter[] = [];
  for (const [i, key] of keys.entries()) {
    const after = comesAfter(key, values[i]);
    if (!after) continue;
    const equalBefore = keys.slice(0, i).map((previous, j) => ({ [previous.path]: { $eq: values[j] } }));
    const branch = allOf([...equalBefore, after]);
    const alternatives = Object.keys(branch).length === 1 ? branch.$or : undefined;
    branches.push(...(Array.isArray(alternatives) ? (alternatives as ListFilter[]) : [branch]));
  }
  if (branches.length === 0) return { [ID_PATH]: { $in: [] } }; // nothing can come after
  return branches.length === 1 ? branches[0] : { $or: branches };
}

function comesAfter(key: SortKey, value: CursorValue): ListFilter | undefined {
  if (key.direction === 1) return { [key.path]: value === null ? { $ne: null } : { $gt: value } };
  // Descending, nulls come last: nothing is after a null, and nulls are after every value (but _id is never null).
  if (value === null) return undefined;
  return key.path === ID_PATH
    ? { [key.path]: { $lt: value } }
    : { $or: [{ [key.path]: { $lt: value } }, { [key.path]: { $eq: null } }] };
}

export function valueAt(doc: object, path: string): unknown {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function cursorValue(value: unknown, path: string): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
    return value;
  // A sort path holding an object or array is a definition that does not fit its documents.
  throw new TypeError(`Cannot page by ${path}: the document holds a ${Array.isArray(value) ? 'array' : typeof value} there`);
}

/** A JSON value back into what was encoded; undefined when it cannot have been. */
function fromJson(value: unknown, key: SortKey): CursorValue | undefined {
  if (value === null) return key.path === ID_PATH ? undefined : null;
  if (key.storedAs === 'date') {
    if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) return undefined;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
    return value;
  return undefined;
}
