import type { Aggregate, Decider } from '@crm/eventsourcing';
import {
  MAX_KEPT_STAGES,
  MAX_PIPELINE_STAGES,
  type PipelineEvent,
  type PipelineStage,
  type PipelineStageInput,
} from '@crm/contracts';
import { isDeepStrictEqual } from 'node:util';

/**
 * The Pipeline aggregate: the ordered stages deals go through. Its stages are never deleted: one taken out of the
 * list stays, retired, so that deals in it and deals' histories still name it. Deals are not changed by an edit.
 */
export type Pipeline =
  | { status: 'none' }
  | { status: 'active'; pipelineId: string; name: string; stages: PipelineStage[]; createdAt: string; updatedAt: string };

export type PipelineCommand =
  | { type: 'CreatePipeline'; data: { pipelineId: string; name: string; stages: PipelineStageInput[]; now: string } }
  | { type: 'RenamePipeline'; data: { pipelineId: string; name: string; now: string } }
  /** `stages`: the stages deals go through from now on, in order; a stage left out is retired, one named again is back. */
  | { type: 'ChangePipelineStages'; data: { pipelineId: string; stages: PipelineStageInput[]; now: string } };

export class PipelineNotFound extends Error {
  override readonly name = 'PipelineNotFound';
  constructor(readonly pipelineId: string) {
    super(`Pipeline ${pipelineId} does not exist`);
  }
}

export class PipelineAlreadyExists extends Error {
  override readonly name = 'PipelineAlreadyExists';
  constructor(readonly pipelineId: string) {
    super(`Pipeline ${pipelineId} already exists`);
  }
}

/** A list of stages a pipeline cannot have; `problems` says each thing wrong with it. */
export class InvalidPipelineStages extends Error {
  override readonly name = 'InvalidPipelineStages';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid pipeline stages: ${problems.join('; ')}`);
  }
}

/** Stage names compare as users read them: without case and surrounding spaces. */
const nameKey = (name: string): string => name.trim().toLocaleLowerCase('en');

const duplicates = (values: readonly string[]): string[] => [
  ...new Set(values.filter((value, index) => values.indexOf(value) !== index)),
];

/** The stages deals go through (1 to 50, ids and names each once). Throws InvalidPipelineStages naming every problem. */
function checkStages(stages: readonly PipelineStageInput[]): void {
  const problems: string[] = [];
  if (stages.length === 0) problems.push('a pipeline needs at least one stage');
  if (stages.length > MAX_PIPELINE_STAGES) problems.push(`a pipeline has at most ${MAX_PIPELINE_STAGES} stages`);
  for (const id of duplicates(stages.map((stage) => stage.stageId))) problems.push(`stage ${id} is listed twice`);
  for (const name of duplicates(stages.map((stage) => nameKey(stage.name)))) problems.push(`two stages are named "${name}"`);
  if (problems.length > 0) throw new InvalidPipelineStages(problems);
}

/** A stage as stored: exactly the contract's fields, an absent rotting limit left out (not `undefined`). */
const stageOf = ({ stageId, name, winProbability, rottingDays }: PipelineStageInput): PipelineStageInput => ({
  stageId,
  name,
  winProbability,
  ...(rottingDays === undefined ? {} : { rottingDays }),
});

/** The kept list after a change: the given stages in their order, then the others retired, in their former order. */
function keptStages(current: readonly PipelineStage[], given: readonly PipelineStageInput[]): PipelineStage[] {
  const named = new Set(given.map((stage) => stage.stageId));
  const retired = current.filter((stage) => !named.has(stage.stageId)).map((stage) => ({ ...stage, retired: true as const }));
  const kept = [...given.map(stageOf), ...retired];
  if (kept.length > MAX_KEPT_STAGES) {
    throw new InvalidPipelineStages([`a pipeline keeps at most ${MAX_KEPT_STAGES} stages, retired ones included`]);
  }
  return kept;
}

export function decide(command: PipelineCommand, state: Pipeline): PipelineEvent[] {
  switch (command.type) {
    case 'CreatePipeline': {
      const { pipelineId, name, stages, now } = command.data;
      if (state.status !== 'none') throw new PipelineAlreadyExists(pipelineId);
      checkStages(stages);
      return [{ type: 'PipelineCreated', data: { pipelineId, name, stages: stages.map(stageOf), at: now } }];
    }
    case 'RenamePipeline': {
      const { pipelineId, name, now } = command.data;
      if (state.status === 'none') throw new PipelineNotFound(pipelineId);
      if (state.name === name) return [];
      return [{ type: 'PipelineRenamed', data: { pipelineId, name, at: now } }];
    }
    case 'ChangePipelineStages': {
      const { pipelineId, stages, now } = command.data;
      if (state.status === 'none') throw new PipelineNotFound(pipelineId);
      checkStages(stages);
      const kept = keptStages(state.stages, stages);
      if (isDeepStrictEqual(kept, state.stages)) return [];
      return [{ type: 'PipelineStagesChanged', data: { pipelineId, stages: kept, at: now } }];
    }
  }
}

export function evolve(state: Pipeline, event: PipelineEvent): Pipeline {
  switch (event.type) {
    case 'PipelineCreated': {
      const { pipelineId, name, stages, at } = event.data;
      return { status: 'active', pipelineId, name, stages, createdAt: at, updatedAt: at };
    }
    case 'PipelineRenamed':
      return state.status === 'none' ? state : { ...state, name: event.data.name, updatedAt: event.data.at };
    case 'PipelineStagesChanged':
      return state.status === 'none' ? state : { ...state, stages: event.data.stages, updatedAt: event.data.at };
  }
}

/** The stages a deal can enter, in order: the pipeline's stages that are not retired. */
export const activeStages = (stages: readonly PipelineStage[]): PipelineStage[] => stages.filter((stage) => !stage.retired);

export const pipelineDecider: Decider<Pipeline, PipelineCommand, PipelineEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

export const pipelineAggregate: Aggregate<Pipeline, PipelineCommand, PipelineEvent> = {
  name: 'pipeline',
  decider: pipelineDecider,
};
