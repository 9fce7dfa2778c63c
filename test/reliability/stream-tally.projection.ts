import { Type } from '@sinclair/typebox';
import { Closed, ContractRegistry, defineEvent } from '@crm/contracts';
import { EventDecoder } from '@crm/messaging';
import { defineProjection, type ProjectionDeps } from '@crm/projections';

/** The one event of the reliability test's made-up service: which item, and its number in the run. */
export const ItemTouched = defineEvent({
  service: 'reliability',
  name: 'ItemTouched',
  version: 1,
  description: 'An item of the reliability test was touched.',
  schema: Closed({ n: Type.Integer({ minimum: 0 }) }),
  example: { n: 0 },
});

/** One document per stream listing, in order, every event applied to it: doubles and gaps show. */
export interface StreamTally {
  stream: string;
  count: number;
  revisions: number[];
  eventIds: string[];
}

export const streamTallyProjection = defineProjection<StreamTally, typeof ItemTouched>({
  name: 'stream-tally',
  collection: 'stream_tally',
  handles: [ItemTouched],
  documentId: (event) => event.stream,
  evolve: (doc, event) => ({
    stream: event.stream,
    count: (doc?.count ?? 0) + 1,
    revisions: [...(doc?.revisions ?? []), event.revision],
    eventIds: [...(doc?.eventIds ?? []), event.id],
  }),
});

/** The decoder and topic a stream-tally runner (or rebuild) reads with. */
export const streamTallyDeps = (topic: string): Pick<ProjectionDeps, 'decoder' | 'topicOf'> => ({
  decoder: new EventDecoder({ registry: new ContractRegistry({ contracts: [ItemTouched] }), cacheSize: 0 }),
  topicOf: () => topic,
});
