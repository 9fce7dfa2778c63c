import type { mongo } from 'mongoose';
import type { ConsumedEvent } from '@crm/messaging';

export interface ProjectionIndex {
  fields: mongo.IndexSpecification;
  options?: mongo.CreateIndexesOptions;
}

/**
 * A read model as pure functions over events. The runner stores each document as
 * `{ _id: documentId, ...doc, _meta }`; `_id` and `_meta` are the runner's, not the projection's.
 */
export interface ProjectionDefinition<Doc extends object = object> {
  /** Names the state document and the consumer groups: letters, digits, `_` and `-`. */
  name: string;
  /** The MongoDB collection readers query. */
  collection: string;
  topics: readonly string[];
  /** The document an event belongs to; `undefined` when the projection ignores the event. */
  documentId(event: ConsumedEvent): string | undefined;
  /** The next state of a document, `null` to delete it. Pure: no I/O, no clock, no randomness. */
  evolve(doc: Doc | undefined, event: ConsumedEvent): Doc | null;
  indexes?: readonly ProjectionIndex[];
  /**
   * The version of `documentId` and `evolve` (default 1). Raise it when a change must reach the documents
   * already written (a new field, a fixed rule): a runner that finds its collection built by a lower version
   * rebuilds it from offset 0 in the background and swaps it in, while readers keep the old one meanwhile.
   */
  version?: number;
  /**
   * `evolve` sees personal data opened (plaintext; null for an erased customer) rather than sealed.
   * Such a projection must drop a customer's personal data itself when they are erased, so keep it to
   * one document per customer; one that keeps many records per customer leaves the data sealed (ADR 0007).
   */
  opensPersonalData?: boolean;
  /**
   * For a projection that keeps personal data sealed but must still check events against their contract: the runner
   * opens a copy of each event (never stored, never given to `evolve`) and passes those it takes (`documentId`) here first. A throw fails the
   * batch, which is retried one event at a time and then dead-lettered, as a throw from `evolve` would be. Pure.
   */
  checkOpened?(event: ConsumedEvent): void;
}

const NAME = /^[A-Za-z0-9_-]{1,100}$/;
// Collections readers query: no `$`, no system namespace, and our staging suffix stays ours.
const COLLECTION = /^(?!system\.)[A-Za-z0-9_.-]{1,100}$/;

export class InvalidProjectionError extends Error {
  override readonly name = 'InvalidProjectionError';
}

/** Checks a projection's names once, where it is declared, rather than at its first event. */
export function defineProjection<Doc extends object>(definition: ProjectionDefinition<Doc>): ProjectionDefinition<Doc> {
  if (!NAME.test(definition.name)) throw new InvalidProjectionError(`Invalid projection name "${definition.name}"`);
  if (!COLLECTION.test(definition.collection) || definition.collection.includes('__rebuild')) {
    throw new InvalidProjectionError(`Invalid collection name "${definition.collection}" for projection ${definition.name}`);
  }
  if (definition.topics.length === 0) throw new InvalidProjectionError(`Projection ${definition.name} has no topics`);
  if (definition.version !== undefined && !(Number.isSafeInteger(definition.version) && definition.version >= 1)) {
    throw new InvalidProjectionError(
      `Invalid version ${definition.version} for projection ${definition.name}: a whole number from 1`,
    );
  }
  return Object.freeze({ ...definition, topics: Object.freeze([...definition.topics]) });
}
