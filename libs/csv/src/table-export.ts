import type { mongo } from 'mongoose';
import { InvalidQueryError, type ParsedListQuery } from '@crm/read-api';
import { escapeCell } from './cells';
import { LIST_SEPARATOR } from './columns';

/** A table to download: its columns, a record per item, and the items in the list's order (read in batches). */
export interface TableExport<Item = object> {
  name: string;
  columns: readonly string[];
  record(item: Item): string[];
  items: AsyncIterable<Item> & { close(): Promise<void> };
}

/** One CSV cell of an export: lists joined with `;`, formula-like text escaped (what an import reads back as it was). */
export function exportCell(value: string | readonly string[] | undefined): string {
  return escapeCell(Array.isArray(value) ? value.join(LIST_SEPARATOR) : ((value as string | undefined) ?? ''));
}

/** A list's paging parameters make no sense for an export, which holds every match: refused, not ignored. */
export function withoutPages(parameters: Record<string, unknown>): Record<string, unknown> {
  const paging = ['limit', 'cursor'].filter((name) => name in parameters);
  if (paging.length > 0) {
    throw new InvalidQueryError(
      paging.map((name) => ({ field: name, messages: ['an export has no pages: it holds every match'], in: 'query' as const })),
    );
  }
  return parameters;
}

/** Every document of a read model the list query matches, in its order, without `_id`, `_meta` and search keys. */
export function listMatches<D extends { _id: string }>(
  collection: mongo.Collection<D>,
  parsed: ParsedListQuery,
): TableExport<Omit<D, '_id'>>['items'] {
  return collection
    .find(parsed.filter as mongo.Filter<D>, { projection: { _id: 0, _meta: 0, search: 0 } })
    .sort(parsed.sort as Record<string, 1 | -1>)
    .batchSize(500) as unknown as TableExport<Omit<D, '_id'>>['items'];
}

/** The items of a table already read (a report's rows, computed in full): what `TableExport.items` streams. */
export function inMemoryItems<Item>(items: readonly Item[]): TableExport<Item>['items'] {
  return Object.assign(
    (async function* () {
      yield* items;
    })(),
    { close: async () => undefined },
  );
}
