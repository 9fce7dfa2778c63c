import { spec } from '@crm/eventsourcing/testing';
import type { PipelineEvent, PipelineStage, PipelineStageInput } from '@crm/contracts';
import {
  InvalidPipelineStages,
  PipelineAlreadyExists,
  PipelineNotFound,
  pipelineDecider,
  type PipelineCommand,
} from './pipeline';

const pipelineId = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2a01';
const stageIds = {
  qualified: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b01',
  proposal: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b02',
  negotiation: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b03',
  demo: '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c2b04',
};
const t1 = '2026-01-01T10:00:00.000Z';
const t2 = '2026-01-02T10:00:00.000Z';

const qualified: PipelineStageInput = { stageId: stageIds.qualified, name: 'Qualified', winProbability: 10, rottingDays: 14 };
const proposal: PipelineStageInput = { stageId: stageIds.proposal, name: 'Proposal sent', winProbability: 40 };
const negotiation: PipelineStageInput = { stageId: stageIds.negotiation, name: 'Negotiation', winProbability: 70 };
const demo: PipelineStageInput = { stageId: stageIds.demo, name: 'Demo', winProbability: 25, rottingDays: 7 };
const retired = (stage: PipelineStageInput): PipelineStage => ({ ...stage, retired: true });

const created = (stages: PipelineStageInput[] = [qualified, proposal, negotiation]): PipelineEvent => ({
  type: 'PipelineCreated',
  data: { pipelineId, name: 'New business', stages, at: t1 },
});
const stagesChanged = (stages: PipelineStage[]): PipelineEvent => ({
  type: 'PipelineStagesChanged',
  data: { pipelineId, stages, at: t2 },
});
const create = (stages: PipelineStageInput[]): PipelineCommand => ({
  type: 'CreatePipeline',
  data: { pipelineId, name: 'New business', stages, now: t1 },
});
const changeStages = (stages: PipelineStageInput[]): PipelineCommand => ({
  type: 'ChangePipelineStages',
  data: { pipelineId, stages, now: t2 },
});
const rename = (name: string): PipelineCommand => ({ type: 'RenamePipeline', data: { pipelineId, name, now: t2 } });

describe('Pipeline', () => {
  describe('CreatePipeline', () => {
    it('sets up the pipeline with its stages in order', () =>
      spec(pipelineDecider)
        .given([])
        .when(create([qualified, proposal, negotiation]))
        .then([created()]));

    it('leaves out a rotting limit given as undefined', () =>
      spec(pipelineDecider)
        .given([])
        .when(create([{ ...proposal, rottingDays: undefined }]))
        .then([created([proposal])]));

    it('refuses to set up the same pipeline twice', () =>
      spec(pipelineDecider)
        .given([created()])
        .when(create([qualified]))
        .thenThrows(PipelineAlreadyExists));

    it('refuses a pipeline without stages', () =>
      spec(pipelineDecider).given([]).when(create([])).thenThrows(InvalidPipelineStages, 'at least one stage'));

    it('refuses more than 50 stages', () => {
      const many = Array.from({ length: 51 }, (_, n) => ({
        ...qualified,
        stageId: `0192f5e4-7b1c-7c3a-9f2e-${String(n).padStart(12, '0')}`,
        name: `Stage ${n}`,
      }));
      spec(pipelineDecider).given([]).when(create(many)).thenThrows(InvalidPipelineStages, 'at most 50 stages');
    });

    it('refuses two stages of the same name, whatever their case and spaces', () =>
      spec(pipelineDecider)
        .given([])
        .when(create([qualified, { ...proposal, name: ' qualified ' }]))
        .thenThrows(InvalidPipelineStages, 'two stages are named "qualified"'));

    it('refuses a stage listed twice', () =>
      spec(pipelineDecider)
        .given([])
        .when(create([qualified, { ...qualified, name: 'Qualified again' }]))
        .thenThrows(InvalidPipelineStages, `stage ${stageIds.qualified} is listed twice`));
  });

  describe('RenamePipeline', () => {
    it('gives the pipeline a new name', () =>
      spec(pipelineDecider)
        .given([created()])
        .when(rename('New customers'))
        .then([{ type: 'PipelineRenamed', data: { pipelineId, name: 'New customers', at: t2 } }]));

    it('records nothing for the same name', () => spec(pipelineDecider).given([created()]).when(rename('New business')).then([]));

    it('refuses an unknown pipeline', () => spec(pipelineDecider).given([]).when(rename('X')).thenThrows(PipelineNotFound));
  });

  describe('ChangePipelineStages', () => {
    it('adds, changes and reorders stages', () =>
      spec(pipelineDecider)
        .given([created()])
        .when(changeStages([qualified, demo, { ...negotiation, winProbability: 60 }, proposal]))
        .then([stagesChanged([qualified, demo, { ...negotiation, winProbability: 60 }, proposal])]));

    it('keeps a stage taken out of the list, retired, after the others', () =>
      spec(pipelineDecider)
        .given([created()])
        .when(changeStages([qualified, negotiation]))
        .then([stagesChanged([qualified, negotiation, retired(proposal)])]));

    it('brings a retired stage back where it is listed again', () =>
      spec(pipelineDecider)
        .given([created(), stagesChanged([qualified, negotiation, retired(proposal)])])
        .when(changeStages([qualified, proposal, negotiation]))
        .then([stagesChanged([qualified, proposal, negotiation])]));

    it('lets a new stage take the name of a retired one', () =>
      spec(pipelineDecider)
        .given([created(), stagesChanged([qualified, negotiation, retired(proposal)])])
        .when(changeStages([qualified, { ...demo, name: 'Proposal sent' }, negotiation]))
        .then([stagesChanged([qualified, { ...demo, name: 'Proposal sent' }, negotiation, retired(proposal)])]));

    it('records nothing when the list is the same', () =>
      spec(pipelineDecider)
        .given([created(), stagesChanged([qualified, negotiation, retired(proposal)])])
        .when(changeStages([qualified, negotiation]))
        .then([]));

    it('refuses to retire every stage', () =>
      spec(pipelineDecider).given([created()]).when(changeStages([])).thenThrows(InvalidPipelineStages));

    it('refuses duplicate names among the stages deals go through', () =>
      spec(pipelineDecider)
        .given([created()])
        .when(changeStages([qualified, { ...demo, name: 'Negotiation' }, negotiation]))
        .thenThrows(InvalidPipelineStages, 'two stages are named "negotiation"'));

    it('refuses to keep more than 200 stages, retired ones included', () => {
      const stage = (n: number): PipelineStageInput => ({
        stageId: `0192f5e4-7b1c-7c3a-9f2e-${String(n).padStart(12, '0')}`,
        name: `Stage ${n}`,
        winProbability: 50,
      });
      const kept = Array.from({ length: 200 }, (_, n) => (n < 50 ? stage(n) : retired(stage(n))));
      spec(pipelineDecider)
        .given([created(), stagesChanged(kept)])
        .when(changeStages([stage(200)]))
        .thenThrows(InvalidPipelineStages, 'at most 200 stages');
    });

    it('refuses an unknown pipeline', () =>
      spec(pipelineDecider)
        .given([])
        .when(changeStages([qualified]))
        .thenThrows(PipelineNotFound));
  });
});
