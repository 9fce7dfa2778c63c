export {
  defineProjection,
  InvalidProjectionError,
  topicsOf,
  type ProjectionDeclaration,
  type ProjectionDefinition,
  type ProjectionIndex,
  type TopicOfService,
} from './projection';
export { streamKey, type DocumentMeta, type StoredDocument } from './document';
export { planBatch, type BatchPlan, type DocumentWrite, type ExpectedDocument, type PlanContext } from './plan';
export { ConcurrentProjectionWriteError, type ReadModelCollection } from './store';
export { PROJECTION_STATE_COLLECTION, loadState, type PendingSwap, type ProjectionState, type RebuildClaim } from './state';
export { ProjectionRunner, type ProjectionRunnerOptions } from './runner';
export { projectionTopics, type ProjectionDeps } from './deps';
export {
  RebuildInProgressError,
  rebuildProjection,
  upgradeProjection,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
} from './rebuild';
export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runRebuildCli, type RebuildCliIo } from './cli';
export { canonicalDocument, readModelHash } from './hash';
export { projectionMetrics } from './metrics';
