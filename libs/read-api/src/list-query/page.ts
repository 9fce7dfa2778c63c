import type { mongo } from 'mongoose';
import { encodeCursor } from './cursor';
import type { ParsedListQuery } from './list-query';
import { parsePositionToken, waitForPosition } from '../read-position';

/** What a list endpoint returns: `next` is there when more items follow; send it back as `cursor`. */
export interface ListPage<T> {
  items: T[];
  next?: string;
}

/**
 * The page from the `limit + 1` documents fetched: the extra one only tells that a next page exists.
 * The documents must still hold `_id` and the sort paths (mind the projection); `map` shapes the items.
 */
export function page<D extends object, T = D>(docs: readonly D[], parsed: ParsedListQuery, map?: (doc: D) => T): ListPage<T> {
  const shown = docs.slice(0, parsed.limit);
  const items = map ? shown.map(map) : (shown as unknown as T[]);
  if (docs.length <= parsed.limit) return { items };
  return { items, next: encodeCursor(parsed.keys, shown[shown.length - 1]) };
}

export interface FindPageOptions<D, T> {
  /** Keep `_id` and the sort paths: the next cursor is made from them. */
  projection?: mongo.Document;
  map?: (doc: D) => T;
}

/** `find(filter).sort(sort).limit(limit + 1)` on a driver collection, then `page`. */
export async function findPage<D extends mongo.Document, T = mongo.WithId<D>>(
  collection: mongo.Collection<D>,
  parsed: ParsedListQuery,
  options: FindPageOptions<mongo.WithId<D>, T> = {},
): Promise<ListPage<T>> {
  await waitForListPosition(collection, parsed);
  const docs = await collection
    .find(parsed.filter as mongo.Filter<D>, options.projection ? { projection: options.projection } : {})
    .sort(parsed.sort as Record<string, 1 | -1>)
    .limit(parsed.limit + 1)
    .toArray();
  return page(docs, parsed, options.map);
}

/**
 * Waits, bounded, until the collection shows the write whose Position-Token the query carries (`position`); at once
 * without one. A token of another collection is a 400, a read model that does not catch up in time a 503.
 */
export async function waitForListPosition<D extends mongo.Document>(
  collection: mongo.Collection<D>,
  parsed: ParsedListQuery,
): Promise<void> {
  if (parsed.position === undefined) return;
  const documents = collection as unknown as mongo.Collection<{ _id: string }>;
  await waitForPosition(documents, parsePositionToken(parsed.position, collection.collectionName));
}
