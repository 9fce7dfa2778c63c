import { ownerAt, type DealHistory } from './deal-history';
import { divideHalfUp, instantOf } from './instants';

/** Which closed deals count: of a pipeline, of an owner (when closed), closed at or after `from` and before `to`. */
export interface WinRateRequest {
  pipelineId?: string;
  ownerId?: string;
  from?: string;
  to?: string;
}

export interface WinRateRow {
  won: number;
  lost: number;
  /** won / (won + lost) in basis points (10,000 is every deal), rounded half up; null without a closed deal. */
  winRateBasisPoints: number | null;
  /** From first opening to the latest close, averaged in whole seconds (half up); null without a closed deal. */
  averageCycleSeconds: number | null;
}

/**
 * Won against lost deals, and how long a sale takes. A deal counts once, by its latest outcome and when that came:
 * a reopened deal's earlier outcome no longer counts, and while it is open again it counts nowhere. Its cycle runs
 * from its first opening to that latest close, the time it spent closed before reopening included.
 */
export function winRate(deals: readonly DealHistory[], asked: WinRateRequest): WinRateRow {
  const request = { ...asked, from: asked.from && instantOf(asked.from), to: asked.to && instantOf(asked.to) };
  let won = 0;
  let lost = 0;
  let cycles = 0n;
  for (const deal of deals) {
    if (deal.status === 'open' || deal.closedAt === undefined) continue;
    if (request.pipelineId !== undefined && deal.pipelineId !== request.pipelineId) continue;
    if (request.from !== undefined && deal.closedAt < request.from) continue;
    if (request.to !== undefined && deal.closedAt >= request.to) continue;
    if (request.ownerId !== undefined && ownerAt(deal, deal.closedAt) !== request.ownerId) continue;
    if (deal.status === 'won') won += 1;
    else lost += 1;
    // A close stamped before the opening (clocks apart) counts as no time rather than negative time.
    cycles += BigInt(Math.max(0, Date.parse(deal.closedAt) - Date.parse(deal.openedAt)));
  }
  const closed = won + lost;
  if (closed === 0) return { won, lost, winRateBasisPoints: null, averageCycleSeconds: null };
  return {
    won,
    lost,
    winRateBasisPoints: Number(divideHalfUp(BigInt(won) * 10_000n, BigInt(closed))),
    averageCycleSeconds: Number(divideHalfUp(cycles, BigInt(closed) * 1000n)),
  };
}
