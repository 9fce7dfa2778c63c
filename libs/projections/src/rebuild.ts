import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { mongo } from 'mongoose';
import { sleep } from '@crm/eventsourcing';
import { EventConsumer, type RetryPolicy } from '@crm/messaging';
import { applyBatch } from './apply';
import { CatchUp } from './catch-up';
import { DocumentCache } from './document-cache';
import { captureRanges, committedOffsets } from './kafka-offsets';
import type { ProjectionDefinition } from './projection';
import { decodingFor, projectionTopics, type ProjectionDeps } from './deps';
import {
  REBUILD_CLAIM_RENEW_MS,
  claimRebuild,
  completeSwap,
  isStagingCollectionOf,
  loadOrCreateState,
  newGroupId,
  releaseRebuild,
  renewRebuild,
  requestSwap,
  stagingCollectionOf,
  builtVersionOf,
  versionOf,
  type PendingSwap,
} from './state';
import type { StoredDocument } from './document';
import { databaseOf, ensureCollection, ensureIndexes } from './store';

export interface RebuildProgress {
  processed: number;
  total: number;
  elapsedMs: number;
}

export interface RebuildOptions {
  onProgress?: (progress: RebuildProgress) => void;
  /** Aborting stops the rebuild and drops its staging collection; the live read model is untouched. */
  signal?: AbortSignal;
  /** How often the rebuild group's committed offsets are compared with the target. */
  pollIntervalMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** Another rebuild of the projection holds its claim (see `ProjectionState.rebuilding`). */
export class RebuildInProgressError extends Error {
  override readonly name = 'RebuildInProgressError';
}

/** Who rebuilds, as recorded in the claim: readable in the state document, unique per call. */
const rebuilderId = (): string => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export interface RebuildResult {
  projection: string;
  groupId: string;
  generation: number;
  /** Events from the topics' first retained offsets to their end offsets when the rebuild started. */
  events: number;
  seconds: number;
}

/**
 * Rebuilds a projection from offset 0 into a staging collection and swaps it in, without taking the read model down:
 * claim, catch up with the end offsets captured at the start, fence the live runners, rename, hand the group over.
 * The steps and why each is needed: libs/projections/README.md, "Rebuilding without downtime".
 */
export function rebuildProjection<Doc extends object>(
  projection: ProjectionDefinition<Doc>,
  deps: ProjectionDeps,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  return claimed(projection, deps, options, (db, signal, startedAt) =>
    rebuildClaimed(projection, deps, db, { ...options, signal }, startedAt),
  );
}

/**
 * The rebuild a runner starts when its projection's version is higher than the one that built the collection: as
 * `rebuildProjection`, but only if that is still so once the claim is held (another replica may have just finished
 * it). Undefined when there was nothing to do.
 */
export function upgradeProjection<Doc extends object>(
  projection: ProjectionDefinition<Doc>,
  deps: ProjectionDeps,
  options: RebuildOptions = {},
): Promise<RebuildResult | undefined> {
  return claimed(projection, deps, options, async (db, signal, startedAt) => {
    if (builtVersionOf(await loadOrCreateState(db, projection)) >= versionOf(projection)) return undefined;
    return rebuildClaimed(projection, deps, db, { ...options, signal }, startedAt);
  });
}

/** Runs `work` holding the projection's rebuild claim, renewed meanwhile; `signal` aborts once the claim is lost. */
async function claimed<T>(
  projection: ProjectionDefinition,
  deps: ProjectionDeps,
  options: RebuildOptions,
  work: (db: mongo.Db, signal: AbortSignal, startedAt: number) => Promise<T>,
): Promise<T> {
  const startedAt = Date.now();
  const db = databaseOf(deps.connection);
  await loadOrCreateState(db, projection); // the claim lives in it
  const by = rebuilderId();
  const claimedAt = new Date();
  if (
    !(await claimRebuild(db, projection.name, {
      by,
      version: versionOf(projection),
      startedAt: claimedAt,
      heartbeatAt: claimedAt,
    }))
  ) {
    const holder = (await loadOrCreateState(db, projection)).rebuilding;
    throw new RebuildInProgressError(
      `Projection ${projection.name} is already being rebuilt${holder ? ` by ${holder.by} since ${holder.startedAt.toISOString()}` : ''}`,
    );
  }
  // Renewed while it runs; lost (taken over as stale, or the state reset), the rebuild stops.
  const claimLost = new AbortController();
  const renewal = setInterval(() => {
    renewRebuild(db, projection.name, by).then(
      (held) => held || claimLost.abort(),
      () => undefined, // MongoDB out of reach for a moment: the claim goes stale only after REBUILD_CLAIM_STALE_MS
    );
  }, REBUILD_CLAIM_RENEW_MS);
  try {
    return await work(db, AbortSignal.any([claimLost.signal, ...(options.signal ? [options.signal] : [])]), startedAt);
  } catch (error) {
    if (claimLost.signal.aborted)
      throw new RebuildInProgressError(`Rebuild of ${projection.name} stopped: another took its claim over`);
    throw error;
  } finally {
    clearInterval(renewal);
    await releaseRebuild(db, projection.name, by).catch(() => undefined);
  }
}

async function rebuildClaimed<Doc extends object>(
  projection: ProjectionDefinition<Doc>,
  deps: ProjectionDeps,
  db: mongo.Db,
  options: RebuildOptions & { signal: AbortSignal },
  startedAt: number,
): Promise<RebuildResult> {
  const decode = decodingFor(projection, deps);
  const topics = projectionTopics(projection, deps);
  let state = await loadOrCreateState(db, projection);
  if (state.swap) {
    await completeSwap(db, projection, state.swap);
    state = await loadOrCreateState(db, projection);
  }
  await dropStagingCollections(db, projection.collection);

  const swap: PendingSwap = {
    groupId: newGroupId(projection.name),
    generation: state.generation + 1,
    staging: stagingCollectionOf(projection.collection),
    requestedAt: new Date(),
    version: versionOf(projection),
  };
  const report = (processed: number, total: number) => {
    try {
      options.onProgress?.({ processed, total, elapsedMs: Date.now() - startedAt });
    } catch {
      // A failing progress display must not fail (or dead-letter) the rebuild.
    }
  };
  const admin = deps.kafka.admin();
  let consumer: EventConsumer | undefined;
  let swapRequested = false;
  try {
    await admin.connect();
    const ranges = await captureRanges(admin, topics);
    const progress = new CatchUp(ranges);
    report(0, progress.total);
    await ensureCollection(db, swap.staging, projection.indexes, { indexed: false }); // indexed once filled
    const staging = db.collection<StoredDocument>(swap.staging);
    // The rebuild is the staging collection's only writer: partitions' batches at once, in turns where they meet.
    const cache = new DocumentCache(50_000, { startsEmpty: true });
    const allHandled = new AbortController();
    consumer = new EventConsumer({
      kafka: deps.kafka,
      groupId: swap.groupId,
      topics,
      fromBeginning: true,
      retry: options.retry,
      logger: deps.logger,
      // stop() waits for the fetch in flight; once caught up, that is an idle fetch waiting for data.
      consumerConfig: { maxWaitTimeInMs: 25 },
      // A commit per batch is a Kafka round trip the next batch waits for; the last ones are made once all is handled.
      commitIntervalMs: 1000,
      partitionsConsumedConcurrently: 3,
      handle: async (events) => {
        await applyBatch(projection, staging, await decode(events), { generation: swap.generation, soleWriter: cache });
        progress.handled(events);
        report(progress.processed, progress.total);
        if (progress.processed >= progress.total) allHandled.abort();
      },
    });
    await consumer.start();
    while (!progress.done) {
      if (options.signal.aborted) throw new Error(`Rebuild of ${projection.name} aborted`);
      progress.committed(await committedOffsets(admin, swap.groupId, topics));
      report(progress.processed, progress.total);
      if (progress.done) break;
      // Once every event is handled only the last commit is awaited: make it now, and look again soon.
      if (allHandled.signal.aborted) {
        await consumer.commitHandled();
        await sleep(20, options.signal);
      } else await sleep(options.pollIntervalMs ?? 250, AbortSignal.any([allHandled.signal, options.signal]));
    }
    await consumer.stop();
    consumer = undefined;
    await ensureIndexes(db, swap.staging, projection.indexes);

    swap.requestedAt = new Date();
    await requestSwap(db, projection.name, state.groupId, swap);
    swapRequested = true;
    await completeSwap(db, projection, swap);
    return {
      projection: projection.name,
      groupId: swap.groupId,
      generation: swap.generation,
      events: progress.total,
      seconds: (Date.now() - startedAt) / 1000,
    };
  } catch (error) {
    await consumer?.stop().catch(() => undefined);
    // Once requested, the swap is finished by whichever runner sees it next: keep its collection.
    if (!swapRequested) await db.dropCollection(swap.staging).catch(() => undefined);
    throw error;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function dropStagingCollections(db: mongo.Db, collection: string): Promise<void> {
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (isStagingCollectionOf(collection, name)) await db.dropCollection(name);
  }
}
