import type { EventOf } from '../contract';
import { DealLost, DealOpened, DealReopened, DealRotted, DealStageChanged, DealUpdated, DealWon } from './deal';
import { PipelineCreated, PipelineRenamed, PipelineStagesChanged } from './pipeline';

export * from './money';
export * from './pipeline';
export * from './deal';

/** The contracts of a pipeline's stream, in their current versions (events about no customer). */
export const pipelineStreamContracts = [PipelineCreated, PipelineRenamed, PipelineStagesChanged] as const;
export type PipelineEvent = EventOf<(typeof pipelineStreamContracts)[number]>;

/** The contracts of a deal's stream, in their current versions; all keyed by the deal's contact. */
export const dealStreamContracts = [
  DealOpened,
  DealUpdated,
  DealStageChanged,
  DealWon,
  DealLost,
  DealReopened,
  DealRotted,
] as const;
export type DealEvent = EventOf<(typeof dealStreamContracts)[number]>;
