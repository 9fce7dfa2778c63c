import type { DealEvent, Money } from '@crm/contracts';
import { changedAt, instantOf, valueAt, type Dated } from './instants';

/** A span of time a deal spent open in one stage: from its `from`, up to (not including) its `to`, or still. */
export interface StageStay {
  stageId: string;
  from: string;
  to?: string;
}

export type DealStatus = 'open' | 'won' | 'lost';

/**
 * One deal's life as the reports need it, derived from its events: the stays in each stage while open, its value
 * and its owner over time, and its outcome. A report at any instant is a query over these (the pipeline as it stood
 * then), so no report needs the events again.
 */
export interface DealHistory {
  dealId: string;
  pipelineId: string;
  contactId: string;
  /** When it was first opened: where a sales cycle starts, and what `openedFrom`/`openedTo` select. */
  openedAt: string;
  status: DealStatus;
  /** When it was won or lost, while it is (a reopening clears it). */
  closedAt?: string;
  stays: StageStay[];
  values: Dated<Money>[];
  owners: Dated<string | null>[];
}

const ended = (stays: readonly StageStay[], at: string): StageStay[] =>
  stays.map((stay, index) => (index === stays.length - 1 && stay.to === undefined ? { ...stay, to: at } : stay));

/** The next history of a deal. Events of one deal arrive in order (one Kafka key); DealRotted changes nothing here. */
export function evolveDealHistory(deal: DealHistory | undefined, event: DealEvent): DealHistory | null {
  if (event.type === 'DealOpened') {
    const { dealId, pipelineId, stageId, contactId, value, ownerId, at } = event.data;
    const openedAt = instantOf(at);
    return {
      dealId,
      pipelineId,
      contactId,
      openedAt,
      status: 'open',
      stays: [{ stageId, from: openedAt }],
      values: [{ from: openedAt, value }],
      owners: [{ from: openedAt, value: ownerId ?? null }],
    };
  }
  // Without its opening (it broke the contract and was dead-lettered) a deal has no history to change.
  if (!deal) return null;
  const at = instantOf(event.data.at);
  switch (event.type) {
    case 'DealUpdated': {
      const { changes, cleared } = event.data;
      let next = deal;
      if (changes.value) next = { ...next, values: changedAt(next.values, at, changes.value) };
      if (changes.ownerId) next = { ...next, owners: changedAt(next.owners, at, changes.ownerId) };
      if (cleared.includes('ownerId')) next = { ...next, owners: changedAt(next.owners, at, null) };
      return next;
    }
    case 'DealStageChanged':
      if (deal.status !== 'open') return deal;
      return { ...deal, stays: [...ended(deal.stays, at), { stageId: event.data.toStageId, from: at }] };
    case 'DealWon':
      // Won for its value at that moment: the value is part of its history too.
      return {
        ...deal,
        status: 'won',
        closedAt: at,
        stays: ended(deal.stays, at),
        values: changedAt(deal.values, at, event.data.value),
      };
    case 'DealLost':
      return { ...deal, status: 'lost', closedAt: at, stays: ended(deal.stays, at) };
    case 'DealReopened': {
      const { closedAt: _closedAt, ...reopened } = deal;
      // `ended` is a no-op on a closed deal; it keeps stays apart should a reopening reach an open one.
      return { ...reopened, status: 'open', stays: [...ended(deal.stays, at), { stageId: event.data.stageId, from: at }] };
    }
    case 'DealRotted':
      return deal;
  }
}

/** Where the deal stood at an instant (or now): its stage while open, its value and owner; undefined when not open. */
export function dealAt(deal: DealHistory, asOf?: string): { stageId: string; value: Money; ownerId: string | null } | undefined {
  const stay =
    asOf === undefined
      ? deal.stays.find((candidate) => candidate.to === undefined)
      : deal.stays.find((candidate) => candidate.from <= asOf && (candidate.to === undefined || asOf < candidate.to));
  if (!stay) return undefined;
  return { stageId: stay.stageId, value: valueAt(deal.values, asOf)!, ownerId: valueAt(deal.owners, asOf) ?? null };
}

/** Who owned the deal at an instant. */
export const ownerAt = (deal: DealHistory, at: string): string | null => valueAt(deal.owners, at) ?? null;
