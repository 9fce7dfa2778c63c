import type { Aggregate, Decider } from '@crm/eventsourcing';
import type { ClearableDealField, DealEvent, DealOpenedData, Money, PipelineStage } from '@crm/contracts';
import { isDeepStrictEqual } from 'node:util';
import { isCurrencyInUse, UnknownCurrency } from './money';
import { activeStages, InvalidPipelineStages } from './pipeline';

/** What a user edits on a deal, apart from its stage and its outcome. */
export type DealFields = Pick<DealOpenedData, 'title' | 'value' | 'companyId' | 'ownerId' | 'expectedCloseDate'>;

/** The pipeline as a deal's command needs it, loaded by the command handler: its stages, retired ones included. */
export interface PipelineSnapshot {
  pipelineId: string;
  stages: readonly PipelineStage[];
}

/** The Deal aggregate: a sales opportunity with one customer, going through the stages of one pipeline. */
export interface ExistingDeal extends DealFields {
  status: 'open' | 'won' | 'lost';
  dealId: string;
  /** Fixed for the deal's life: the Kafka key of all its events. */
  contactId: string;
  pipelineId: string;
  /** The stage it is in, or was in when it was won or lost. */
  stageId: string;
  /** When its current stay in the stage began: opened, moved or reopened. */
  enteredStageAt: string;
  /** Flagged as rotting during the current stay. */
  rotting: boolean;
  lostReason?: string;
  openedAt: string;
  /** When it was last won or lost. */
  closedAt?: string;
  updatedAt: string;
}

export type Deal = { status: 'none' } | ExistingDeal;

export type DealCommand =
  /** In the stage named, or else the pipeline's first. */
  | {
      type: 'OpenDeal';
      data: DealFields & { dealId: string; contactId: string; pipeline: PipelineSnapshot; stageId?: string; now: string };
    }
  /** `changes` already normalized; fields equal to the current value are ignored. */
  | {
      type: 'UpdateDeal';
      data: { dealId: string; changes: Partial<DealFields>; cleared: readonly ClearableDealField[]; now: string };
    }
  | { type: 'MoveDealStage'; data: { dealId: string; pipeline: PipelineSnapshot; stageId: string; now: string } }
  | { type: 'WinDeal'; data: { dealId: string; now: string } }
  | { type: 'LoseDeal'; data: { dealId: string; reason: string; now: string } }
  /** In the stage named, or else the one it was closed in. */
  | { type: 'ReopenDeal'; data: { dealId: string; pipeline: PipelineSnapshot; stageId?: string; now: string } }
  /** What the rotting timer fires (see rottingDueAt): the stay it was set for, which may be over by now. */
  | {
      type: 'FlagDealRotting';
      data: { dealId: string; stageId: string; enteredStageAt: string; pipeline: PipelineSnapshot; now: string };
    };

export class DealNotFound extends Error {
  override readonly name = 'DealNotFound';
  constructor(readonly dealId: string) {
    super(`Deal ${dealId} does not exist`);
  }
}

export class DealAlreadyExists extends Error {
  override readonly name = 'DealAlreadyExists';
  constructor(readonly dealId: string) {
    super(`Deal ${dealId} already exists`);
  }
}

/** A won or lost deal changes only by being reopened. */
export class DealClosed extends Error {
  override readonly name = 'DealClosed';
  constructor(
    readonly dealId: string,
    readonly outcome: 'won' | 'lost',
  ) {
    super(`Deal ${dealId} was ${outcome}: reopen it first`);
  }
}

export class DealAlreadyOpen extends Error {
  override readonly name = 'DealAlreadyOpen';
  constructor(readonly dealId: string) {
    super(`Deal ${dealId} is open: only a won or lost deal can be reopened`);
  }
}

/** The stage is not one of the pipeline's (unknown, or of another pipeline). */
export class StageNotInPipeline extends Error {
  override readonly name = 'StageNotInPipeline';
  constructor(
    readonly stageId: string,
    readonly pipelineId: string,
  ) {
    super(`Stage ${stageId} is not a stage of pipeline ${pipelineId}`);
  }
}

/** The stage was taken out of its pipeline: deals stay in it, none enters it. */
export class StageRetired extends Error {
  override readonly name = 'StageRetired';
  constructor(
    readonly stageId: string,
    readonly pipelineId: string,
  ) {
    super(`Stage ${stageId} of pipeline ${pipelineId} is retired: no deal can enter it`);
  }
}

/** The command carries another pipeline than the deal's: the command handler loaded the wrong one. */
export class PipelineMismatch extends Error {
  override readonly name = 'PipelineMismatch';
  constructor(
    readonly dealId: string,
    readonly dealPipelineId: string,
    readonly givenPipelineId: string,
  ) {
    super(`Deal ${dealId} is in pipeline ${dealPipelineId}, not ${givenPipelineId}`);
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The same instant, whatever the precision it is written with. */
const sameInstant = (a: string, b: string): boolean => Date.parse(a) === Date.parse(b);

/** A stage of the pipeline that a deal may enter now. */
function enterableStage(pipeline: PipelineSnapshot, stageId: string): PipelineStage {
  const stage = pipeline.stages.find((candidate) => candidate.stageId === stageId);
  if (!stage) throw new StageNotInPipeline(stageId, pipeline.pipelineId);
  if (stage.retired) throw new StageRetired(stageId, pipeline.pipelineId);
  return stage;
}

/** Where a deal starts unless told otherwise. */
function firstStage(pipeline: PipelineSnapshot): PipelineStage {
  const [first] = activeStages(pipeline.stages);
  // Never so: a pipeline keeps at least one stage that is not retired (pipeline.ts).
  if (!first) throw new InvalidPipelineStages([`pipeline ${pipeline.pipelineId} has no stage a deal can enter`]);
  return first;
}

function existing(state: Deal, dealId: string): ExistingDeal {
  if (state.status === 'none') throw new DealNotFound(dealId);
  return state;
}

/** The deal, if it exists and is open. */
function stillOpen(state: Deal, dealId: string): ExistingDeal {
  const deal = existing(state, dealId);
  if (deal.status !== 'open') throw new DealClosed(dealId, deal.status);
  return deal;
}

function ofDealsPipeline(deal: ExistingDeal, pipeline: PipelineSnapshot): PipelineSnapshot {
  if (pipeline.pipelineId !== deal.pipelineId) throw new PipelineMismatch(deal.dealId, deal.pipelineId, pipeline.pipelineId);
  return pipeline;
}

function checkCurrency(value: Money | undefined): void {
  if (value && !isCurrencyInUse(value.currency)) throw new UnknownCurrency(value.currency);
}

/** The given fields without those left undefined: an event holds a field, or not at all. */
const defined = <T extends object>(fields: T): T =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;

/** Values compare by content: a validated request object (a DTO class instance) equals the plain stored one. */
const sameValue = (a: unknown, b: unknown): boolean => isDeepStrictEqual(structuredClone(a), structuredClone(b));

/**
 * What an update really changes: the fields whose value differs from the current one, and the optional fields to
 * clear that have a value and are not set in the same update.
 */
function changedFields(deal: ExistingDeal, changes: Partial<DealFields>, cleared: readonly ClearableDealField[]) {
  const changed = defined(
    Object.fromEntries(
      Object.entries(changes).filter(([field, value]) => !sameValue(deal[field as keyof DealFields], value)),
    ) as Partial<DealFields>,
  );
  return { changes: changed, cleared: [...new Set(cleared)].filter((field) => deal[field] !== undefined && !(field in changed)) };
}

/** The rotting days of the deal's current stay, while it can still turn rotting (open, not flagged yet). */
function rottingDaysOf(deal: Deal, pipeline: PipelineSnapshot): number | undefined {
  if (deal.status !== 'open' || deal.rotting || pipeline.pipelineId !== deal.pipelineId) return undefined;
  // A retired stage still has its rotting days: the deals left in it need attention all the more.
  return pipeline.stages.find((stage) => stage.stageId === deal.stageId)?.rottingDays;
}

const daysAfter = (time: string, days: number): string => new Date(Date.parse(time) + days * DAY_MS).toISOString();

/**
 * When the deal's current stay in its stage turns rotting, as an ISO time; undefined when it cannot (closed, already
 * flagged, or its stage has no rotting days). The rotting timer, when it fires, checks it again against the pipeline.
 */
export function rottingDueAt(deal: Deal, pipeline: PipelineSnapshot): string | undefined {
  const rottingDays = rottingDaysOf(deal, pipeline);
  return deal.status === 'none' || rottingDays === undefined ? undefined : daysAfter(deal.enteredStageAt, rottingDays);
}

/**
 * When a stay in this stage that began at `enteredAt` turns rotting, by the stage's rotting days in the pipeline as
 * it is; undefined when the stage has none (or is not the pipeline's). The service sets the rotting timer for this time
 * when a deal enters a stage.
 */
export function stayRottingDueAt(pipeline: PipelineSnapshot, stageId: string, enteredAt: string): string | undefined {
  const rottingDays = pipeline.stages.find((stage) => stage.stageId === stageId)?.rottingDays;
  return rottingDays === undefined ? undefined : daysAfter(enteredAt, rottingDays);
}

export function decide(command: DealCommand, state: Deal): DealEvent[] {
  switch (command.type) {
    case 'OpenDeal': {
      const { dealId, contactId, pipeline, stageId, now, ...fields } = command.data;
      if (state.status !== 'none') throw new DealAlreadyExists(dealId);
      checkCurrency(fields.value);
      const stage = stageId === undefined ? firstStage(pipeline) : enterableStage(pipeline, stageId);
      const data = { dealId, pipelineId: pipeline.pipelineId, stageId: stage.stageId, contactId, ...defined(fields), at: now };
      return [{ type: 'DealOpened', data }];
    }
    case 'UpdateDeal': {
      const { dealId, now } = command.data;
      const deal = stillOpen(state, dealId);
      checkCurrency(command.data.changes.value);
      const { changes, cleared } = changedFields(deal, command.data.changes, command.data.cleared);
      if (Object.keys(changes).length === 0 && cleared.length === 0) return [];
      return [{ type: 'DealUpdated', data: { dealId, contactId: deal.contactId, changes, cleared, at: now } }];
    }
    case 'MoveDealStage': {
      const { dealId, stageId, now } = command.data;
      const deal = stillOpen(state, dealId);
      const pipeline = ofDealsPipeline(deal, command.data.pipeline);
      if (stageId === deal.stageId) return [];
      enterableStage(pipeline, stageId);
      const { contactId, pipelineId, stageId: fromStageId } = deal;
      return [{ type: 'DealStageChanged', data: { dealId, contactId, pipelineId, fromStageId, toStageId: stageId, at: now } }];
    }
    case 'WinDeal': {
      const { dealId, now } = command.data;
      const { contactId, value } = stillOpen(state, dealId);
      return [{ type: 'DealWon', data: { dealId, contactId, value, at: now } }];
    }
    case 'LoseDeal': {
      const { dealId, reason, now } = command.data;
      const { contactId } = stillOpen(state, dealId);
      return [{ type: 'DealLost', data: { dealId, contactId, reason, at: now } }];
    }
    case 'ReopenDeal': {
      const { dealId, now } = command.data;
      const deal = existing(state, dealId);
      if (deal.status === 'open') throw new DealAlreadyOpen(dealId);
      const stage = enterableStage(ofDealsPipeline(deal, command.data.pipeline), command.data.stageId ?? deal.stageId);
      return [{ type: 'DealReopened', data: { dealId, contactId: deal.contactId, stageId: stage.stageId, at: now } }];
    }
    case 'FlagDealRotting': {
      const { dealId, stageId, enteredStageAt, pipeline, now } = command.data;
      // A timer set for a stay that is over (moved, closed, reopened, flagged already) or not due any more (the
      // stage's rotting days were raised) finds nothing to flag.
      if (state.status !== 'open' || state.stageId !== stageId || !sameInstant(state.enteredStageAt, enteredStageAt)) return [];
      const rottingDays = rottingDaysOf(state, pipeline);
      if (rottingDays === undefined || Date.parse(daysAfter(state.enteredStageAt, rottingDays)) > Date.parse(now)) return [];
      const { contactId } = state;
      return [
        { type: 'DealRotted', data: { dealId, contactId, stageId, enteredStageAt: state.enteredStageAt, rottingDays, at: now } },
      ];
    }
  }
}

/** A new stay in a stage begins: not rotting yet. */
const entering = (deal: ExistingDeal, stageId: string, at: string): ExistingDeal => ({
  ...deal,
  stageId,
  enteredStageAt: at,
  rotting: false,
  updatedAt: at,
});

export function evolve(state: Deal, event: DealEvent): Deal {
  if (event.type === 'DealOpened') {
    const { dealId, contactId, pipelineId, stageId, at, ...fields } = event.data;
    return {
      status: 'open',
      dealId,
      contactId,
      pipelineId,
      stageId,
      enteredStageAt: at,
      rotting: false,
      ...fields,
      openedAt: at,
      updatedAt: at,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'DealUpdated': {
      const next: ExistingDeal = { ...state, ...event.data.changes, updatedAt: event.data.at };
      for (const field of event.data.cleared) delete next[field];
      return next;
    }
    case 'DealStageChanged':
      return entering(state, event.data.toStageId, event.data.at);
    case 'DealWon':
      return { ...state, status: 'won', value: event.data.value, closedAt: event.data.at, updatedAt: event.data.at };
    case 'DealLost':
      return { ...state, status: 'lost', lostReason: event.data.reason, closedAt: event.data.at, updatedAt: event.data.at };
    case 'DealReopened': {
      const { lostReason: _, ...reopened } = state;
      return entering({ ...reopened, status: 'open' }, event.data.stageId, event.data.at);
    }
    case 'DealRotted':
      return { ...state, rotting: true, updatedAt: event.data.at };
  }
}

export const dealDecider: Decider<Deal, DealCommand, DealEvent> = {
  initialState: { status: 'none' },
  decide,
  evolve,
};

export const dealAggregate: Aggregate<Deal, DealCommand, DealEvent> = {
  name: 'deal',
  decider: dealDecider,
};
