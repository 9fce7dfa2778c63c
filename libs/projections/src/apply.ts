import type { DecodedEvent } from '@crm/messaging';
import type { DocumentCache } from './document-cache';
import { planBatch } from './plan';
import type { ProjectionDefinition } from './projection';
import { loadDocuments, writeDocuments, type ReadModelCollection } from './store';

export interface ApplyOptions {
  generation: number;
  /**
   * Asked after the documents were read and before anything is written; `false` drops the batch.
   * The order matters: a swap that happens after the check finds guards that cannot match.
   */
  mayWrite?: () => Promise<boolean>;
  /**
   * Only where one writer fills the collection, as a rebuild fills its staging collection under its claim: the
   * documents it wrote are kept rather than read back, its writes go by `_id` alone (see writeDocuments), and its
   * batches that share a document take turns (DocumentCache).
   */
  soleWriter?: DocumentCache;
}

export type ApplyOutcome = { status: 'written'; applied: number; skipped: number } | { status: 'fenced' };

/** One batch: one read of the documents it touches, a pure fold, one unordered bulk write. */
export async function applyBatch<Doc extends object>(
  projection: ProjectionDefinition<Doc>,
  collection: ReadModelCollection,
  events: readonly DecodedEvent[],
  options: ApplyOptions,
): Promise<ApplyOutcome> {
  const ids = new Set<string>();
  for (const event of events) {
    const id = projection.documentId(event);
    if (id !== undefined) ids.add(id);
  }
  // None of its events: nothing to read, fence or write (a topic carries every event of its service).
  if (ids.size === 0) return { status: 'written', applied: 0, skipped: 0 };
  const touched = [...ids];
  const apply = () => readPlanWrite(projection, collection, events, touched, options);
  // A sole writer's writes are unguarded: its batches run at once only on different documents.
  return options.soleWriter ? options.soleWriter.inTurn(touched, apply) : apply();
}

async function readPlanWrite<Doc extends object>(
  projection: ProjectionDefinition<Doc>,
  collection: ReadModelCollection,
  events: readonly DecodedEvent[],
  ids: readonly string[],
  { generation, mayWrite, soleWriter: cache }: ApplyOptions,
): Promise<ApplyOutcome> {
  const { found: existing, missing } = cache?.lookup(ids) ?? { found: new Map(), missing: [...ids] };
  for (const [id, document] of await loadDocuments(collection, missing)) existing.set(id, document);
  if (mayWrite && !(await mayWrite())) return { status: 'fenced' };
  const { writes, applied, skipped } = planBatch(projection, existing, events, { generation, now: new Date() });
  try {
    await writeDocuments(collection, writes, { guarded: !cache });
  } catch (error) {
    cache?.forget(ids);
    throw error;
  }
  cache?.remember(writes);
  return { status: 'written', applied, skipped };
}
