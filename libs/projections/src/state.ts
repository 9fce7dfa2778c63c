import { randomBytes, randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import { collectionExists, ensureCollection } from './store';
import type { ProjectionDefinition } from './projection';

export const PROJECTION_STATE_COLLECTION = 'projection_state';

/**
 * Where a projection's Kafka checkpoint lives: the consumer group id is kept in the same database as
 * the read model, so losing one loses the other and the read model is rebuilt, never resumed from
 * offsets that belong to data that is gone.
 */
export interface ProjectionState {
  _id: string;
  groupId: string;
  collection: string;
  /** Increases with every rebuild; stamped on the documents each generation writes. */
  generation: number;
  rebuiltAt: Date;
  /** The projection's `version` whose code built the collection; absent: 1 (states written before versions). */
  version?: number;
  /** Set by a rebuild between "staging collection complete" and "staging renamed over the live one". */
  swap?: PendingSwap;
  /** Held by the rebuild under way, so that no second one starts beside it (and drops its staging collection). */
  rebuilding?: RebuildClaim;
}

export interface PendingSwap {
  groupId: string;
  generation: number;
  staging: string;
  requestedAt: Date;
  /** The version of the code that built the staging collection. */
  version?: number;
}

export interface RebuildClaim {
  /** Who rebuilds: host, process and a random part. */
  by: string;
  version: number;
  startedAt: Date;
  /** Renewed while the rebuild runs; a claim not renewed for REBUILD_CLAIM_STALE_MS belongs to a dead rebuild. */
  heartbeatAt: Date;
}

export const REBUILD_CLAIM_RENEW_MS = 5_000;
export const REBUILD_CLAIM_STALE_MS = 60_000;

type States = mongo.Collection<ProjectionState>;

const DUPLICATE_KEY = 11000;

export const statesOf = (db: mongo.Db): States => db.collection<ProjectionState>(PROJECTION_STATE_COLLECTION);

export const newGroupId = (projectionName: string): string => `projection.${projectionName}.${randomUUID()}`;

/** A fresh name per rebuild: mongo-java-server's H2 backend mixes old rows into a reused staging name. */
export const stagingCollectionOf = (collection: string): string => `${collection}__rebuild_${randomBytes(6).toString('hex')}`;

export const isStagingCollectionOf = (collection: string, name: string): boolean => name.startsWith(`${collection}__rebuild_`);

/** Writes by a consumer of this group may go to the live collection: it is the current group and no swap is under way. */
export function isCurrentGroup(state: ProjectionState | null, groupId: string): boolean {
  return state !== null && state.groupId === groupId && state.swap === undefined;
}

export function loadState(db: mongo.Db, name: string): Promise<ProjectionState | null> {
  return statesOf(db).findOne({ _id: name });
}

/**
 * The projection's state, created with a new consumer group (so reading from offset 0) when there
 * is none, or when the recorded one cannot match the collection: the collection was renamed in the
 * definition, or dropped. The collection is created before the state so that a missing collection
 * next to a state always means "dropped".
 */
export async function loadOrCreateState(db: mongo.Db, projection: ProjectionDefinition): Promise<ProjectionState> {
  const states = statesOf(db);
  for (;;) {
    const existing = await states.findOne({ _id: projection.name });
    if (existing?.swap) return existing;
    if (existing && existing.collection === projection.collection && (await collectionExists(db, projection.collection)))
      return existing;
    await ensureCollection(db, projection.collection);
    const fresh: ProjectionState = {
      _id: projection.name,
      groupId: newGroupId(projection.name),
      collection: projection.collection,
      generation: (existing?.generation ?? 0) + 1,
      rebuiltAt: new Date(),
      version: versionOf(projection),
    };
    if (existing) {
      const { matchedCount } = await states.replaceOne({ _id: projection.name, groupId: existing.groupId }, fresh);
      if (matchedCount === 1) return fresh;
      continue; // another replica reset it first
    }
    try {
      await states.insertOne(fresh);
      return fresh;
    } catch (error) {
      if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
    }
  }
}

/** Step 1 of the swap: from here on, no consumer of the old group writes (see isCurrentGroup). */
export async function requestSwap(db: mongo.Db, name: string, currentGroupId: string, swap: PendingSwap): Promise<void> {
  const { matchedCount } = await statesOf(db).updateOne(
    { _id: name, groupId: currentGroupId, swap: { $exists: false } },
    { $set: { swap } },
  );
  if (matchedCount !== 1)
    throw new Error(
      `The state of projection ${name} changed during the rebuild (another rebuild or a reset); nothing was swapped`,
    );
}

/**
 * Steps 2 and 3 of the swap: rename the staging collection over the live one (atomic for readers),
 * then make its group the current one. Idempotent, so a runner can finish a swap whose rebuild died.
 */
export async function completeSwap(db: mongo.Db, projection: ProjectionDefinition, swap: PendingSwap): Promise<void> {
  if (await collectionExists(db, swap.staging)) {
    try {
      await db.renameCollection(swap.staging, projection.collection, { dropTarget: true });
    } catch (error) {
      if (await collectionExists(db, swap.staging)) throw error; // else: another process renamed it
    }
  }
  await statesOf(db).updateOne(
    { _id: projection.name, 'swap.groupId': swap.groupId },
    {
      $set: {
        groupId: swap.groupId,
        generation: swap.generation,
        collection: projection.collection,
        rebuiltAt: new Date(),
        version: swap.version ?? 1,
      },
      $unset: { swap: '' },
    },
  );
}

export const versionOf = (projection: ProjectionDefinition): number => projection.version ?? 1;

/** The version whose code built the collection the state describes. */
export const builtVersionOf = (state: ProjectionState): number => state.version ?? 1;

/**
 * Takes the projection's rebuild claim: false while another rebuild holds it and renews it. A claim left by a
 * rebuild that died is taken over once stale.
 */
export async function claimRebuild(db: mongo.Db, name: string, claim: RebuildClaim): Promise<boolean> {
  const { matchedCount } = await statesOf(db).updateOne(
    {
      _id: name,
      $or: [
        { rebuilding: { $exists: false } },
        { 'rebuilding.heartbeatAt': { $lt: new Date(Date.now() - REBUILD_CLAIM_STALE_MS) } },
      ],
    },
    { $set: { rebuilding: claim } },
  );
  return matchedCount === 1;
}

/** Renews a held claim; false once it is no longer `by`'s (taken over as stale, or the state was reset). */
export async function renewRebuild(db: mongo.Db, name: string, by: string): Promise<boolean> {
  const { matchedCount } = await statesOf(db).updateOne(
    { _id: name, 'rebuilding.by': by },
    { $set: { 'rebuilding.heartbeatAt': new Date() } },
  );
  return matchedCount === 1;
}

export async function releaseRebuild(db: mongo.Db, name: string, by: string): Promise<void> {
  await statesOf(db).updateOne({ _id: name, 'rebuilding.by': by }, { $unset: { rebuilding: '' } });
}
