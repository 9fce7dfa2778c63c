import { defineProjection } from '@crm/projections';

/** One document per stream listing, in order, every event applied to it: doubles and gaps show. */
export interface StreamTally {
  stream: string;
  count: number;
  revisions: number[];
  eventIds: string[];
}

export const streamTallyProjection = (topic: string) =>
  defineProjection<StreamTally>({
    name: 'stream-tally',
    collection: 'stream_tally',
    topics: [topic],
    documentId: (event) => event.stream,
    evolve: (doc, event) => ({
      stream: event.stream,
      count: (doc?.count ?? 0) + 1,
      revisions: [...(doc?.revisions ?? []), event.revision],
      eventIds: [...(doc?.eventIds ?? []), event.id],
    }),
  });
