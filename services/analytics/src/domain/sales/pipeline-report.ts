import { dealAt, type DealHistory } from './deal-history';
import { divideHalfUp, instantOf } from './instants';
import { stagesAt, type PipelineDefinition } from './pipelines';

/** Which deals a pipeline report counts: those open at `asOf` (or now), of an owner, opened within a period. */
export interface PipelineReportRequest {
  asOf?: string;
  ownerId?: string;
  /** Deals first opened at or after this instant. */
  openedFrom?: string;
  /** Deals first opened before this instant. */
  openedTo?: string;
}

/**
 * One stage and currency of the pipeline report. A stage without deals has one row, without a currency; a stage
 * with deals in several currencies has a row per currency (amounts in different currencies never add up).
 */
export interface PipelineReportRow {
  position: number;
  stageId: string;
  stageName: string | null;
  winProbability: number | null;
  retired: boolean;
  currency: string | null;
  count: number;
  amountMinor: number;
  /** amountMinor × winProbability / 100, rounded half up to a whole minor unit, once per stage and currency. */
  weightedMinor: number;
}

/**
 * The open deals of a pipeline per stage, in the pipeline's order at `asOf` (or now): their count, amount and
 * weighted forecast per currency. A retired stage shows only while deals are in it. Deals in a stage the pipeline
 * does not list (its change not seen yet) come last, without a name or probability, and weigh nothing.
 */
export function pipelineReport(
  pipeline: PipelineDefinition,
  deals: readonly DealHistory[],
  asked: PipelineReportRequest,
): PipelineReportRow[] {
  const request = normalized(asked);
  const totals = new Map<string, Map<string, { count: number; amount: bigint }>>();
  for (const deal of deals) {
    if (deal.pipelineId !== pipeline.pipelineId || !openedWithin(deal, request)) continue;
    const standing = dealAt(deal, request.asOf);
    if (!standing || (request.ownerId !== undefined && standing.ownerId !== request.ownerId)) continue;
    const byCurrency = totals.get(standing.stageId) ?? new Map<string, { count: number; amount: bigint }>();
    const total = byCurrency.get(standing.value.currency) ?? { count: 0, amount: 0n };
    byCurrency.set(standing.value.currency, {
      count: total.count + 1,
      amount: total.amount + BigInt(standing.value.amountMinor),
    });
    totals.set(standing.stageId, byCurrency);
  }
  const stages = stagesAt(pipeline, request.asOf);
  const listed = new Set(stages.map((stage) => stage.stageId));
  const shown = [
    ...stages.filter((stage) => !stage.retired || totals.has(stage.stageId)),
    ...[...totals.keys()]
      .filter((stageId) => !listed.has(stageId))
      .sort()
      .map((stageId) => ({ stageId, name: null, winProbability: null, retired: undefined })),
  ];
  return shown.flatMap((stage, position): PipelineReportRow[] => {
    const stageColumns = {
      position: position + 1,
      stageId: stage.stageId,
      stageName: stage.name,
      winProbability: stage.winProbability,
      retired: stage.retired === true,
    };
    const byCurrency = totals.get(stage.stageId);
    if (!byCurrency) return [{ ...stageColumns, currency: null, count: 0, amountMinor: 0, weightedMinor: 0 }];
    return [...byCurrency.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, { count, amount }]) => ({
        ...stageColumns,
        currency,
        count,
        amountMinor: Number(amount),
        weightedMinor: Number(divideHalfUp(amount * BigInt(stage.winProbability ?? 0), 100n)),
      }));
  });
}

const openedWithin = (deal: DealHistory, { openedFrom, openedTo }: PipelineReportRequest) =>
  (openedFrom === undefined || deal.openedAt >= openedFrom) && (openedTo === undefined || deal.openedAt < openedTo);

const normalized = ({ asOf, openedFrom, openedTo, ownerId }: PipelineReportRequest): PipelineReportRequest => ({
  ownerId,
  asOf: asOf && instantOf(asOf),
  openedFrom: openedFrom && instantOf(openedFrom),
  openedTo: openedTo && instantOf(openedTo),
});
