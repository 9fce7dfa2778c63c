import type { ProjectionIndex } from '@crm/projections';
import { ID_PATH, type CompiledDefinition } from './definition';
import { parseSort, withTiebreaker } from './sort';

type Direction = 1 | -1;
type IndexKey = readonly [path: string, direction: Direction];

/** What a list asks of its collection, and the index keys that serve it. */
export interface IndexNeed {
  /** `filter status`, `sort familyName`, `default sort -createdAt`, `search search`. */
  readonly query: string;
  /** The keys an index must start with (after the scope); a sort is also served by them all reversed. */
  readonly keys: readonly IndexKey[];
  /** Whether the keys serve in either direction (a sort), or only their paths matter (a filter). */
  readonly ordered: boolean;
}

/**
 * What a list's filters, sorts and search need of its collection's indexes, MongoDB's rules:
 * - a filter or the search on a path: an index that starts with it;
 * - a sort (each sortable field, either direction, with `_id` as the cursor's tie-breaker in the same direction):
 *   an index that starts with the field then `_id`, both the same way or both the other way (read backwards);
 * - the default sort: an index that starts with its keys, tie-breaker included.
 * With a `scope` (equality conditions the endpoint always adds: the contact of `/contacts/{id}/interactions`) the
 * index starts with the scope's paths; the scope already narrows a filter to a few documents, so any index that
 * starts with the scope serves it. `_id` alone is always indexed.
 */
export function indexNeeds(compiled: CompiledDefinition, scope: readonly string[] = []): IndexNeed[] {
  const needs: IndexNeed[] = [];
  const filter = (query: string, path: string) =>
    needs.push({ query, keys: scope.length > 0 ? [] : [[path, 1]], ordered: false });
  for (const field of compiled.fields.values()) {
    if (field.path !== ID_PATH) filter(`filter ${field.name}`, field.path);
    if (field.sortable) {
      needs.push({ query: `sort ${field.name}`, keys: sortKeys([[field.path, 1]]), ordered: true });
    }
  }
  for (const path of compiled.search?.paths ?? []) filter(`search ${path}`, path);
  if (compiled.defaultSort !== undefined) {
    const parsed = parseSort(compiled.defaultSort, compiled.fields);
    if (parsed.ok) {
      needs.push({
        query: `default sort ${compiled.defaultSort}`,
        keys: parsed.value.map((key) => [key.path, key.direction] as const),
        ordered: true,
      });
    }
  }
  return needs.filter((need) => scope.length > 0 || !(need.keys.length > 0 && need.keys[0][0] === ID_PATH));
}

/** `[[path, direction]]` → those keys with the `_id` tie-breaker, as `parseSort` orders a list. */
function sortKeys(keys: readonly IndexKey[]): IndexKey[] {
  const sortable = keys.map(([path, direction]) => ({ field: path, path, direction, storedAs: 'value' as const }));
  return withTiebreaker(sortable).map((key) => [key.path, key.direction] as const);
}

/** The keys of an index that serves any query on its paths; none for a partial, sparse or collated one. */
function keysOf({ fields, options }: ProjectionIndex): IndexKey[] {
  if (options?.partialFilterExpression || options?.sparse || options?.collation) return [];
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || fields instanceof Map) return [];
  const keys: IndexKey[] = [];
  for (const [path, direction] of Object.entries(fields)) {
    if (direction !== 1 && direction !== -1) break; // a text or hashed key: what follows cannot be read in order
    keys.push([path, direction]);
  }
  return keys;
}

function serves(index: readonly IndexKey[], scope: readonly string[], need: IndexNeed): boolean {
  const scoped = index.slice(0, scope.length).map(([path]) => path);
  if (scope.length > 0 && !(scoped.length === scope.length && scope.every((path) => scoped.includes(path)))) return false;
  const rest = index.slice(scope.length);
  if (rest.length < need.keys.length) return false;
  const prefix = rest.slice(0, need.keys.length);
  if (prefix.some(([path], i) => path !== need.keys[i][0])) return false;
  if (!need.ordered) return true;
  const same = prefix.every(([, direction], i) => direction === need.keys[i][1]);
  const reversed = prefix.every(([, direction], i) => direction === -need.keys[i][1]);
  return same || reversed;
}

/** The needs of the list (see `indexNeeds`) that none of `indexes` serves: a collection scan or a sort in memory each. */
export function unindexedQueries(
  compiled: CompiledDefinition,
  indexes: readonly ProjectionIndex[],
  scope: readonly string[] = [],
): IndexNeed[] {
  const usable = indexes.map(keysOf);
  return indexNeeds(compiled, scope).filter((need) => !usable.some((keys) => serves(keys, scope, need)));
}

/**
 * For a query written by hand rather than with `defineListQuery`: whether one of `indexes` starts with the `scope`
 * (paths it matches by equality or `$in`), then the keys of `sort`, all in its directions or all reversed. Filters
 * within the scope are served by such an index too.
 */
export function orderIsIndexed(
  indexes: readonly ProjectionIndex[],
  { scope = [], sort }: { scope?: readonly string[]; sort: Readonly<Record<string, Direction>> },
): boolean {
  const need: IndexNeed = { query: 'sort', keys: Object.entries(sort), ordered: true };
  return indexes.map(keysOf).some((keys) => serves(keys, scope, need));
}

/** `{ familyName: 1, _id: 1 }`: an index that would serve the need, for messages. */
export const suggestedIndex = (need: IndexNeed, scope: readonly string[] = []): string =>
  `{ ${[...scope.map((path): IndexKey => [path, 1]), ...need.keys].map(([path, direction]) => `${path}: ${direction}`).join(', ')} }`;
