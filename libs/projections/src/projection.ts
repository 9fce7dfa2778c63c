import type { mongo } from 'mongoose';
import { cloudEventType, topicOf, type AnyEventContract, type EventOf } from '@crm/contracts';
import type { ConsumedEvent, DecodedEvent } from '@crm/messaging';

export interface ProjectionIndex {
  fields: mongo.IndexSpecification;
  options?: mongo.CreateIndexesOptions;
}

type AnyEvent = { type: string; data: unknown };

/**
 * A read model as pure functions over decoded events. The runner stores each document as
 * `{ _id: documentId, ...doc, _meta }`; `_id` and `_meta` are the runner's, not the projection's.
 */
export interface ProjectionDefinition<Doc extends object = object, Event extends AnyEvent = AnyEvent> {
  /** Names the state document and the consumer groups: letters, digits, `_` and `-`. */
  readonly name: string;
  /** The MongoDB collection readers query. */
  readonly collection: string;
  /**
   * The contracts of the events it handles, of any service: the runner consumes those services' topics and gives
   * `evolve` only these events, decoded (current version, checked, personal data opened).
   */
  readonly handles: readonly AnyEventContract[];
  /**
   * An event on its topics of a type this build does not know (a newer producer): passed over (`ignore`, the
   * default), or failed, so that it is retried and then dead-lettered (`dead-letter`: a projection meant to show
   * every event about a customer, such as a timeline, must not lose one silently).
   */
  readonly unknownEvents?: 'ignore' | 'dead-letter';
  /** The document an event belongs to; `undefined` when the projection ignores the event. */
  documentId(event: DecodedEvent<Event>): string | undefined;
  /**
   * The next state of a document, `null` to delete it. Pure: no I/O, no clock, no randomness. Events arrive with
   * their personal data opened: a document that keeps it must drop it when the person is erased (one document
   * per customer); one that keeps many records per customer stores `event.sealed` instead (ADR 0007).
   */
  evolve(doc: Doc | undefined, event: DecodedEvent<Event>): Doc | null;
  readonly indexes?: readonly ProjectionIndex[];
  /**
   * The version of `documentId` and `evolve` (default 1). Raise it when a change must reach the documents
   * already written (a new field, a fixed rule): a runner that finds its collection built by a lower version
   * rebuilds it from offset 0 in the background and swaps it in, while readers keep the old one meanwhile.
   */
  readonly version?: number;
}

/** A projection's definition as written: `handles` types the events `documentId` and `evolve` receive. */
export type ProjectionDeclaration<Doc extends object, C extends AnyEventContract> = Omit<
  ProjectionDefinition<Doc, EventOf<C>>,
  'handles'
> & { readonly handles: readonly C[] };

const NAME = /^[A-Za-z0-9_-]{1,100}$/;
// Collections readers query: no `$`, no system namespace, and our staging suffix stays ours.
const COLLECTION = /^(?!system\.)[A-Za-z0-9_.-]{1,100}$/;

export class InvalidProjectionError extends Error {
  override readonly name = 'InvalidProjectionError';
}

/** Checks a projection's names once, where it is declared, rather than at its first event. */
export function defineProjection<Doc extends object, C extends AnyEventContract = AnyEventContract>(
  definition: ProjectionDeclaration<Doc, C>,
): ProjectionDefinition<Doc> {
  if (!NAME.test(definition.name)) throw new InvalidProjectionError(`Invalid projection name "${definition.name}"`);
  if (!COLLECTION.test(definition.collection) || definition.collection.includes('__rebuild')) {
    throw new InvalidProjectionError(`Invalid collection name "${definition.collection}" for projection ${definition.name}`);
  }
  if (definition.handles.length === 0) throw new InvalidProjectionError(`Projection ${definition.name} handles no events`);
  if (definition.version !== undefined && !(Number.isSafeInteger(definition.version) && definition.version >= 1)) {
    throw new InvalidProjectionError(
      `Invalid version ${definition.version} for projection ${definition.name}: a whole number from 1`,
    );
  }
  return Object.freeze({ ...definition, handles: Object.freeze([...definition.handles]) }) as ProjectionDefinition<Doc>;
}

/** Where a projection's events are read: a service's topic (`crm.contacts`, or another prefix's). */
export type TopicOfService = (service: string) => string;

export const defaultTopics: TopicOfService = (service) => topicOf(service);

/** The topics of the services whose events the projection handles. */
export function topicsOf(projection: Pick<ProjectionDefinition, 'handles'>, topicOfService: TopicOfService): string[] {
  return [...new Set(projection.handles.map((contract) => contract.service))].sort().map(topicOfService);
}

/**
 * Whether a consumed event is one the projection takes (by its CloudEvents type, before decoding): a handled type,
 * or an unknown one when it dead-letters those. `known` tells whether this build knows a type at all.
 */
export function takerOf(
  projection: Pick<ProjectionDefinition, 'handles' | 'unknownEvents'>,
  known: (type: string) => boolean,
): (event: Pick<ConsumedEvent, 'type'>) => boolean {
  const handled = new Set(projection.handles.map((contract) => cloudEventType(contract)));
  const takesUnknown = projection.unknownEvents === 'dead-letter';
  return ({ type }) => handled.has(type) || (takesUnknown && !known(type));
}
