import type { PipelineEvent, PipelineStage } from '@crm/contracts';
import { changedAt, instantOf, valueAt, type Dated } from './instants';

/**
 * A pipeline as reports see it: its name and every list of stages it had, dated, so that a report at a past date
 * orders and weighs stages as they were then.
 */
export interface PipelineDefinition {
  pipelineId: string;
  name: string;
  stageLists: Dated<PipelineStage[]>[];
}

export function evolvePipelineDefinition(
  pipeline: PipelineDefinition | undefined,
  event: PipelineEvent,
): PipelineDefinition | null {
  switch (event.type) {
    case 'PipelineCreated': {
      const { pipelineId, name, stages, at } = event.data;
      return { pipelineId, name, stageLists: [{ from: instantOf(at), value: stages }] };
    }
    case 'PipelineRenamed':
      return pipeline ? { ...pipeline, name: event.data.name } : null;
    case 'PipelineStagesChanged':
      // Without its creation (broke the contract, dead-lettered) there is no pipeline to change.
      return pipeline
        ? { ...pipeline, stageLists: changedAt(pipeline.stageLists, instantOf(event.data.at), event.data.stages) }
        : null;
  }
}

/** The pipeline's stages in order at an instant (before it existed: its first list), or now. */
export function stagesAt(pipeline: PipelineDefinition, asOf?: string): PipelineStage[] {
  return valueAt(pipeline.stageLists, asOf) ?? pipeline.stageLists[0]?.value ?? [];
}
