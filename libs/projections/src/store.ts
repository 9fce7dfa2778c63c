import { mongo, type Connection } from 'mongoose';
import type { StoredDocument } from './document';
import type { DocumentWrite, ExpectedDocument } from './plan';
import type { ProjectionIndex } from './projection';

export type ReadModelCollection = mongo.Collection<StoredDocument>;

/** Thrown when another writer changed a document first; the consumer retries the events. */
export class ConcurrentProjectionWriteError extends Error {
  override readonly name = 'ConcurrentProjectionWriteError';
}

const DUPLICATE_KEY = 11000;

export function databaseOf(connection: Connection): mongo.Db {
  if (!connection.db) throw new Error('The mongoose connection is not open yet: await connection.asPromise() first');
  return connection.db;
}

export async function loadDocuments(
  collection: ReadModelCollection,
  ids: readonly string[],
): Promise<Map<string, StoredDocument>> {
  if (ids.length === 0) return new Map();
  const documents = await collection.find({ _id: { $in: [...ids] } }).toArray();
  return new Map(documents.map((document) => [document._id, document]));
}

/**
 * Writes a batch in one unordered round trip; any guard that did not hold fails the whole batch. `guarded: false`
 * is for a collection's only writer (a rebuild's staging collection): replaces and deletes go by `_id` alone, which
 * needs no guard index, and a document that is gone still fails the batch.
 */
export async function writeDocuments(
  collection: ReadModelCollection,
  writes: readonly DocumentWrite[],
  { guarded = true }: { guarded?: boolean } = {},
): Promise<void> {
  if (writes.length === 0) return;
  const operations = writes.map((write) => toOperation(write, guarded));
  let result: mongo.BulkWriteResult;
  try {
    result = await collection.bulkWrite(operations, { ordered: false });
  } catch (error) {
    if (error instanceof mongo.MongoBulkWriteError && isDuplicateKey(error)) {
      throw new ConcurrentProjectionWriteError(`A document of ${collection.collectionName} was inserted concurrently`);
    }
    throw error;
  }
  const replaces = writes.filter((write) => write.type === 'replace').length;
  const deletes = writes.filter((write) => write.type === 'delete').length;
  if (result.matchedCount < replaces || result.deletedCount < deletes) {
    throw new ConcurrentProjectionWriteError(
      `${replaces + deletes - result.matchedCount - result.deletedCount} document(s) of ${collection.collectionName} changed concurrently`,
    );
  }
}

function isDuplicateKey(error: mongo.MongoBulkWriteError): boolean {
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return error.code === DUPLICATE_KEY || writeErrors.some((writeError) => writeError?.code === DUPLICATE_KEY);
}

function guard({ _id, version, generation }: ExpectedDocument): mongo.Filter<StoredDocument> {
  return { _id, '_meta.version': version, '_meta.generation': generation };
}

/**
 * An index whose keys are exactly the guard's. MongoDB would use `_id` for the guard anyway, but
 * mongo-java-server (the local read-model server) only uses an index whose key set equals the filter's,
 * and otherwise scans the whole collection for every guarded replace or delete (ADR 0002).
 */
const GUARD_INDEX: ProjectionIndex = {
  fields: { _id: 1, '_meta.version': 1, '_meta.generation': 1 },
  options: { name: 'projection_guard', unique: true }, // only unique indexes are used by mongo-java-server; `_id` makes it so anyway
};

function toOperation(write: DocumentWrite, guarded: boolean): mongo.AnyBulkWriteOperation<StoredDocument> {
  const filterOf = (expected: ExpectedDocument) => (guarded ? guard(expected) : { _id: expected._id });
  switch (write.type) {
    case 'insert':
      return { insertOne: { document: write.document } };
    case 'replace':
      return { replaceOne: { filter: filterOf(write.expected), replacement: write.document } };
    case 'delete':
      return { deleteOne: { filter: filterOf(write.expected) } };
  }
}

/**
 * Creates the collection (so that it exists even before the first event) and, unless `indexed: false`, its indexes.
 * A rebuild fills its staging collection first and indexes it once (`ensureIndexes`), before the swap: every
 * index kept up to date per write costs about as much again as the write itself on the local server.
 */
export async function ensureCollection(
  db: mongo.Db,
  name: string,
  indexes: readonly ProjectionIndex[] = [],
  { indexed = true }: { indexed?: boolean } = {},
): Promise<void> {
  if (!(await collectionExists(db, name))) {
    await db.createCollection(name).catch(async (error: unknown) => {
      // Another replica created it in between.
      if (!(await collectionExists(db, name))) throw error;
    });
  }
  if (indexed) await ensureIndexes(db, name, indexes);
}

/** The projection's indexes and the guard's. */
export async function ensureIndexes(db: mongo.Db, name: string, indexes: readonly ProjectionIndex[] = []): Promise<void> {
  for (const { fields, options } of [GUARD_INDEX, ...indexes]) await db.collection(name).createIndex(fields, options ?? {});
}

export async function collectionExists(db: mongo.Db, name: string): Promise<boolean> {
  return (await db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0;
}
