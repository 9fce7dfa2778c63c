import type { ConsumedEvent } from '@crm/messaging';
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
}

export type ApplyOutcome = { status: 'written'; applied: number; skipped: number } | { status: 'fenced' };

/** One batch: one read of the documents it touches, a pure fold, one unordered bulk write. */
export async function applyBatch<Doc extends object>(
  projection: ProjectionDefinition<Doc>,
  collection: ReadModelCollection,
  events: readonly ConsumedEvent[],
  { generation, mayWrite }: ApplyOptions,
): Promise<ApplyOutcome> {
  const ids = new Set<string>();
  for (const event of events) {
    const id = projection.documentId(event);
    if (id !== undefined) ids.add(id);
  }
  const existing = await loadDocuments(collection, [...ids]);
  if (mayWrite && !(await mayWrite())) return { status: 'fenced' };
  const { writes, applied, skipped } = planBatch(projection, existing, events, { generation, now: new Date() });
  await writeDocuments(collection, writes);
  return { status: 'written', applied, skipped };
}
