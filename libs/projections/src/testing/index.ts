import { cloudEventSource, cloudEventType, topicOf } from '@crm/contracts';
import type { ConsumedEvent, DecodedEvent, EventEnvelope } from '@crm/messaging';
import { bodyOf, type StoredDocument } from '../document';
import { planBatch } from '../plan';
import type { ProjectionDefinition } from '../projection';

/** An event a spec gives: its type and data as the domain has them, and any envelope field that matters to the projection. */
export type GivenEvent = { type: string; data: unknown } & Partial<Omit<EventEnvelope, 'received'>>;

/**
 * The event as a projection receives it, with a plausible envelope: the service of its contract among those the
 * projection handles, a stream of its own (`given`) with the next revision, and times a second apart.
 */
export function decodedEvents(projection: Pick<ProjectionDefinition, 'handles'>, events: readonly GivenEvent[]): DecodedEvent[] {
  const revisions = new Map<string, number>();
  return events.map((event, index) => {
    const stream = event.stream ?? 'given';
    const revision = event.revision ?? (revisions.get(stream) ?? -1) + 1;
    revisions.set(stream, revision);
    const time = event.time ?? new Date(Date.UTC(2025, 0, 1, 9, 0, index)).toISOString();
    const service = event.service ?? projection.handles.find((contract) => contract.name === event.type)?.service ?? 'test';
    const position = event.position ?? { commit: BigInt(index + 1), prepare: BigInt(index + 1) };
    const id = event.id ?? `00000000-0000-7000-8000-${String(index + 1).padStart(12, '0')}`;
    const received: ConsumedEvent = {
      id,
      type: cloudEventType({ service, name: event.type }),
      source: cloudEventSource(service),
      subject: event.subject,
      time,
      dataVersion: event.sealed?.version ?? 1,
      data: event.sealed?.data ?? event.data,
      stream,
      revision,
      position,
      topic: topicOf(service),
      partition: 0,
      offset: String(index),
    };
    return {
      personalDataErased: false,
      sealed: { version: received.dataVersion, data: received.data },
      ...event,
      id,
      service,
      time,
      stream,
      revision,
      position,
      received,
    } as DecodedEvent;
  });
}

/** The documents a projection holds after the events, by id, folded the way the runner folds them (revisions included). */
export function project<Doc extends object>(
  projection: ProjectionDefinition<Doc>,
  events: readonly GivenEvent[],
): Record<string, Doc> {
  const documents = new Map<string, StoredDocument>();
  const plan = planBatch(projection, documents, decodedEvents(projection, events), { generation: 1, now: new Date(0) });
  for (const write of plan.writes) {
    if (write.type === 'delete') documents.delete(write.expected._id);
    else documents.set(write.document._id, write.document);
  }
  return Object.fromEntries([...documents].map(([id, stored]) => [id, bodyOf(stored) as Doc]));
}

/**
 * Given/Then specs for projections, as `spec()` is for deciders:
 *
 *   projectionSpec(companiesProjection)
 *     .given([{ type: 'CompanyCreated', data: created }, { type: 'CompanyArchived', data: archived }])
 *     .thenDocument(companyId, { name: 'Analytical Engines', status: 'archived', ... });
 *
 * Uses jest's `expect`, so call it inside a test.
 */
export function projectionSpec<Doc extends object>(projection: ProjectionDefinition<Doc>) {
  return {
    given(events: readonly GivenEvent[]) {
      const run = () => project(projection, events);
      return {
        /** Exactly these documents, by id. */
        then(expected: Record<string, Doc>): void {
          expect(run()).toEqual(expected);
        },
        /** This document (others may exist). */
        thenDocument(id: string, expected: Doc): void {
          expect(run()[id]).toEqual(expected);
        },
        /** No document with this id (never made, or deleted). */
        thenNoDocument(id: string): void {
          expect(run()).not.toHaveProperty([id]);
        },
        thenThrows(error: new (...args: never[]) => Error, message?: string | RegExp): void {
          expect(run).toThrow(error);
          if (message) expect(run).toThrow(message);
        },
      };
    },
  };
}
