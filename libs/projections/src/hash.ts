import { createHash } from 'node:crypto';
import { mongo } from 'mongoose';

/**
 * One line per document: its content and applied stream revisions in canonical Extended JSON, with
 * keys sorted. Write bookkeeping (`_meta.version`, `_meta.generation`, `_meta.updatedAt`) is left out:
 * it depends on how events happened to be batched, not on what the read model says.
 */
export function canonicalDocument(document: mongo.Document): string {
  const { _meta, ...content } = document;
  const streams = (_meta as { streams?: unknown } | undefined)?.streams;
  return mongo.BSON.EJSON.stringify(sortKeys({ ...content, _meta: { streams } }), { relaxed: false });
}

/** sha256 over a collection's documents in `_id` order: equal read models hash equally. */
export async function readModelHash<T extends mongo.Document>(collection: mongo.Collection<T>): Promise<string> {
  const hash = createHash('sha256');
  for await (const document of collection.find({}).sort({ _id: 1 })) hash.update(`${canonicalDocument(document)}\n`);
  return hash.digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value; // Date, ObjectId, Binary...: EJSON's own form
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
