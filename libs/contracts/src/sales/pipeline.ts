import { Type, type Static } from '@sinclair/typebox';
import { Closed, UtcTimestamp, Uuid } from '../common-schemas';
import { defineEvent, type DataOf } from '../contract';

/** How many stages a pipeline shows at once; retired stages are kept beside them, up to MAX_KEPT_STAGES in all. */
export const MAX_PIPELINE_STAGES = 50;
/** Every stage a pipeline ever had, retired ones included: deals' histories name them. */
export const MAX_KEPT_STAGES = 200;

const pipelineId = Uuid({ description: 'The pipeline.' });

const stageFields = {
  stageId: Uuid({ description: 'The stage; a deal names its stage by this id, whatever the stage is renamed to.' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  winProbability: Type.Integer({
    minimum: 0,
    maximum: 100,
    description: 'Chance in percent that a deal in this stage is won: weights the forecast.',
  }),
  rottingDays: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 3650, description: 'A deal that stays longer than this in the stage is rotting.' }),
  ),
};

/** A stage as a pipeline is created with, or given back in a new list of stages. */
export const pipelineStageSchema = Closed(stageFields);
export type PipelineStageInput = Static<typeof pipelineStageSchema>;

/** A stage as the pipeline keeps it: a stage taken out of the list stays, retired, so that deals' histories can name it. */
export const keptStageSchema = Closed({
  ...stageFields,
  retired: Type.Optional(Type.Literal(true, { description: 'Taken out of the pipeline: no deal enters it; it can come back.' })),
});
export type PipelineStage = Static<typeof keptStageSchema>;

const pipelineName = Type.String({ minLength: 1, maxLength: 100 });

export const PipelineCreated = defineEvent({
  service: 'sales',
  name: 'PipelineCreated',
  version: 1,
  description: 'A sales pipeline was set up: its name and its stages in order, each with a win probability.',
  schema: Closed({
    pipelineId,
    name: pipelineName,
    stages: Type.Array(pipelineStageSchema, {
      minItems: 1,
      maxItems: MAX_PIPELINE_STAGES,
      description: 'In the order deals go through them; names unique.',
    }),
    at: UtcTimestamp({ description: 'When it was set up.' }),
  }),
  example: {
    pipelineId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01',
    name: 'New business',
    stages: [
      { stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01', name: 'Qualified', winProbability: 10, rottingDays: 14 },
      { stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02', name: 'Proposal sent', winProbability: 40, rottingDays: 21 },
      { stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b03', name: 'Negotiation', winProbability: 70 },
    ],
    at: '2025-01-06T09:00:00.000Z',
  },
});
export type PipelineCreatedData = DataOf<typeof PipelineCreated>;

export const PipelineRenamed = defineEvent({
  service: 'sales',
  name: 'PipelineRenamed',
  version: 1,
  description: 'A sales pipeline was given a new name.',
  schema: Closed({ pipelineId, name: pipelineName, at: UtcTimestamp({ description: 'When it was renamed.' }) }),
  example: { pipelineId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01', name: 'New customers', at: '2025-02-03T10:00:00.000Z' },
});
export type PipelineRenamedData = DataOf<typeof PipelineRenamed>;

export const PipelineStagesChanged = defineEvent({
  service: 'sales',
  name: 'PipelineStagesChanged',
  version: 1,
  description:
    "A pipeline's stages were added, changed, reordered or retired: `stages` is the whole new list in order. A stage " +
    'taken out stays in the list, retired, and can come back. Deals are not changed: each stays in its stage.',
  schema: Closed({
    pipelineId,
    stages: Type.Array(keptStageSchema, {
      minItems: 1,
      maxItems: MAX_KEPT_STAGES,
      description: `In order; at most ${MAX_PIPELINE_STAGES} not retired, with unique names.`,
    }),
    at: UtcTimestamp({ description: 'When the stages changed.' }),
  }),
  example: {
    pipelineId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01',
    stages: [
      { stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01', name: 'Qualified', winProbability: 10, rottingDays: 14 },
      { stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b04', name: 'Demo', winProbability: 25, rottingDays: 10 },
      { stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b03', name: 'Negotiation', winProbability: 70 },
      {
        stageId: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02',
        name: 'Proposal sent',
        winProbability: 40,
        rottingDays: 21,
        retired: true,
      },
    ],
    at: '2025-03-03T10:00:00.000Z',
  },
});
export type PipelineStagesChangedData = DataOf<typeof PipelineStagesChanged>;
