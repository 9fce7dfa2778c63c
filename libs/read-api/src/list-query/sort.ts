import { ID_PATH, type CompiledField } from './definition';
import { invalid, type Parsed } from './values';

/** One key of the order, `_id` last as the tiebreaker that makes the order total. */
export interface SortKey {
  /** The API name (`_id` for the tiebreaker). */
  readonly field: string;
  readonly path: string;
  readonly direction: 1 | -1;
  /** Cursor values of `date` keys travel as ISO strings and become dates again. */
  readonly storedAs: 'value' | 'date';
}

/**
 * `-createdAt,familyName` → keys, `_id` appended in the direction of the last key (newest-first lists
 * then break ties newest first too). Fields must be sortable; none twice.
 */
export function parseSort(raw: string, fields: ReadonlyMap<string, CompiledField>): Parsed<SortKey[]> {
  const keys: SortKey[] = [];
  const problems: string[] = [];
  // A `+` prefix arrives as a space when unencoded: both are allowed and mean ascending.
  for (const item of raw.split(',').map((part) => part.trim())) {
    const descending = item.startsWith('-');
    const name = descending || item.startsWith('+') ? item.slice(1) : item;
    const field = fields.get(name);
    if (name === '') problems.push('has an empty key');
    else if (!field?.sortable) problems.push(`cannot sort by "${truncate(name)}"`);
    else if (keys.some((key) => key.field === name)) problems.push(`sorts by ${name} twice`);
    else keys.push({ field: name, path: field.path, direction: descending ? -1 : 1, storedAs: field.storedAs });
  }
  if (problems.length > 0) {
    const sortable = [...fields.values()].filter((field) => field.sortable).map((field) => field.name);
    const hint =
      sortable.length > 0 ? `sortable: ${sortable.join(', ')}, each with "-" for descending` : 'nothing is sortable here';
    return invalid(...problems, hint);
  }
  return { ok: true, value: withTiebreaker(keys) };
}

export function withTiebreaker(keys: readonly SortKey[]): SortKey[] {
  if (keys.some((key) => key.path === ID_PATH)) return [...keys];
  const direction = keys.length > 0 ? keys[keys.length - 1].direction : 1;
  return [...keys, { field: ID_PATH, path: ID_PATH, direction, storedAs: 'value' }];
}

/** The order as `sort` writes it, tiebreaker included: what a cursor is bound to. */
export const sortSignature = (keys: readonly SortKey[]): string =>
  keys.map((key) => (key.direction < 0 ? '-' : '') + key.field).join(',');

export const truncate = (text: string, max = 40): string => (text.length > max ? `${text.slice(0, max)}…` : text);
