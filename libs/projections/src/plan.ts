import type { DecodedEvent } from '@crm/messaging';
import { bodyOf, streamKey, toStored, type StoredDocument } from './document';
import type { ProjectionDefinition } from './projection';

/** What a write expects to find, so that a concurrent writer's change is never overwritten. */
export interface ExpectedDocument {
  _id: string;
  version: number;
  generation: number;
}

export type DocumentWrite =
  | { type: 'insert'; document: StoredDocument }
  | { type: 'replace'; expected: ExpectedDocument; document: StoredDocument }
  | { type: 'delete'; expected: ExpectedDocument };

export interface BatchPlan {
  writes: DocumentWrite[];
  /** Events that changed a document. */
  applied: number;
  /** Events already applied before (revision ≤ the recorded one for their stream). */
  skipped: number;
}

export interface PlanContext {
  /** Stamped on every written document (see DocumentMeta.generation). */
  generation: number;
  now: Date;
}

interface Slot {
  stored?: StoredDocument;
  body?: object;
  streams: Record<string, number>;
  changed: boolean;
}

/**
 * Folds a batch of events into the writes that bring the given documents up to date. Pure, so the
 * idempotency rule lives here: an event whose revision is not above the one recorded for its stream
 * on its document has been applied already and changes nothing.
 */
export function planBatch<Doc extends object>(
  projection: ProjectionDefinition<Doc>,
  existing: ReadonlyMap<string, StoredDocument>,
  events: readonly DecodedEvent[],
  context: PlanContext,
): BatchPlan {
  const slots = new Map<string, Slot>();
  let applied = 0;
  let skipped = 0;
  for (const event of events) {
    const id = projection.documentId(event);
    if (id === undefined) continue;
    let slot = slots.get(id);
    if (!slot) {
      const stored = existing.get(id);
      slot = { stored, body: stored && bodyOf(stored), streams: { ...stored?._meta.streams }, changed: false };
      slots.set(id, slot);
    }
    const key = streamKey(event.stream);
    const last = slot.streams[key];
    if (last !== undefined && event.revision <= last) {
      skipped++;
      continue;
    }
    const next = projection.evolve(slot.body as Doc | undefined, event);
    // A deleted document takes its revisions with it, exactly as the database will after deleteOne.
    slot.body = next ?? undefined;
    if (next === null) slot.streams = {};
    else slot.streams[key] = event.revision; // the slot's own copy
    slot.changed = true;
    applied++;
  }
  const writes: DocumentWrite[] = [];
  for (const [id, slot] of slots) {
    const write = writeFor(id, slot, context);
    if (write) writes.push(write);
  }
  return { writes, applied, skipped };
}

function writeFor(
  id: string,
  { stored, body, streams, changed }: Slot,
  { generation, now }: PlanContext,
): DocumentWrite | undefined {
  if (!changed) return undefined;
  if (!stored) {
    return body && { type: 'insert', document: toStored(id, body, { streams, version: 1, generation, updatedAt: now }) };
  }
  const expected = { _id: id, version: stored._meta.version, generation: stored._meta.generation };
  if (!body) return { type: 'delete', expected };
  return {
    type: 'replace',
    expected,
    document: toStored(id, body, { streams, version: expected.version + 1, generation, updatedAt: now }),
  };
}
