import { Injectable } from '@nestjs/common';
import { DealOpened, DealReopened, DealStageChanged } from '@crm/contracts';
import { InjectRepository, OnEvent, OnTimer, Timers, type ReceivedEvent, type RepositoryOf } from '@crm/service-kit';
import { timerEventId, type DueTimer } from '@crm/timers';
import { now } from '@crm/platform';
import { dealAggregate, rottingDueAt, stayRottingDueAt, type ExistingDeal, type PipelineSnapshot } from '../domain/deal';
import { pipelineAggregate } from '../domain/pipeline';

export const DEAL_ROTTING = 'deal-rotting';

/** The stay in a stage that a rotting timer watches. */
export interface DealRottingTimer {
  dealId: string;
  stageId: string;
  enteredStageAt: string;
}

/** The timer of the stay a deal's event began: one per entering event (its stream revision names it). */
export const dealRottingTimerId = (dealId: string, revision: number): string => `${DEAL_ROTTING}:${dealId}:${revision}`;

/**
 * Deals that stay in a stage past its rotting days are flagged (DealRotted), by a durable timer (ADR 0019).
 *
 * Scheduling is a reactor on the deal's own events, not a second write in the command: the event is committed once,
 * and the timer follows from it, however often it is delivered (the timer's id is the event's revision, the first
 * schedule wins). When the timer fires, the decider flags the deal if it is still in that stay, open and unflagged;
 * the event's id comes from the timer's, so a second run (after a crash) appends nothing more.
 *
 * Rotting days edited later: a timer is set for the days the stage had when the deal entered it (rather: when this
 * reactor saw it enter). If the days were raised since, the timer fires early, flags nothing and sets the next one for
 * the new due time; if lowered, the deal is flagged when the first timer fires; if removed, never. Deals already in a
 * stage that gains rotting days have no timer: the days count for the stays that begin after.
 */
@Injectable()
export class DealRotting {
  constructor(
    @InjectRepository(dealAggregate) private readonly deals: RepositoryOf<typeof dealAggregate>,
    @InjectRepository(pipelineAggregate) private readonly pipelines: RepositoryOf<typeof pipelineAggregate>,
    private readonly timers: Timers,
  ) {}

  @OnEvent(DealOpened, DealStageChanged, DealReopened)
  async watchStay(event: ReceivedEvent<typeof DealOpened | typeof DealStageChanged | typeof DealReopened>): Promise<void> {
    const { dealId, at } = event.data;
    const stageId = event.type === 'DealStageChanged' ? event.data.toStageId : event.data.stageId;
    const pipelineId = event.type === 'DealReopened' ? (await this.deal(dealId))?.pipelineId : event.data.pipelineId;
    const pipeline = pipelineId === undefined ? undefined : await this.pipeline(pipelineId);
    const dueAt = pipeline && stayRottingDueAt(pipeline, stageId, at);
    if (dueAt === undefined) return;
    await this.timers.schedule<DealRottingTimer>({
      id: dealRottingTimerId(dealId, event.revision),
      kind: DEAL_ROTTING,
      dueAt: new Date(dueAt),
      payload: { dealId, stageId, enteredStageAt: at },
    });
  }

  @OnTimer(DEAL_ROTTING)
  async flag(timer: DueTimer<DealRottingTimer>): Promise<void> {
    const { dealId, stageId, enteredStageAt } = timer.payload;
    const deal = await this.deal(dealId);
    const pipeline = deal && (await this.pipeline(deal.pipelineId));
    if (!deal || !pipeline) return;
    const at = now();
    // The stage's rotting days were raised since the timer was set: the stay is due later, at a time of its own.
    const dueAt = rottingDueAt(deal, pipeline);
    const sameStay = deal.stageId === stageId && Date.parse(deal.enteredStageAt) === Date.parse(enteredStageAt);
    if (sameStay && dueAt !== undefined && Date.parse(dueAt) > Date.parse(at)) {
      const stayTimerId = timer.id.split('@')[0];
      await this.timers.schedule({
        id: `${stayTimerId}@${dueAt}`,
        kind: DEAL_ROTTING,
        dueAt: new Date(dueAt),
        payload: timer.payload,
      });
      return;
    }
    await this.deals.handle(
      dealId,
      { type: 'FlagDealRotting', data: { dealId, stageId, enteredStageAt, pipeline, now: at } },
      { eventIds: (index) => timerEventId(timer.id, index) },
    );
  }

  private async deal(dealId: string): Promise<ExistingDeal | undefined> {
    const { state } = await this.deals.load(dealId);
    return state.status === 'none' ? undefined : state;
  }

  private async pipeline(pipelineId: string): Promise<PipelineSnapshot | undefined> {
    const { state } = await this.pipelines.load(pipelineId);
    return state.status === 'none' ? undefined : { pipelineId, stages: state.stages };
  }
}
