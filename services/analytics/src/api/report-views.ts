import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Closed, CurrencyCode, MinorAmount, StringEnum, UtcTimestamp, Uuid } from '@crm/contracts';
import { namedSchema, sameShape } from '@crm/platform/nest';
import type { PipelineReportView, RevenueView, WinRateView } from '../application/queries/sales-reports';
import { REVENUE_GROUPINGS } from '../domain/sales/revenue';

// The reports as OpenAPI schemas, held to the types the queries return. A report's `rows` are its CSV export's rows,
// in the same columns (`*_COLUMNS`), in the same order.

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** Sums of amounts may go below zero (a period's refunds), never beyond what JSON numbers hold exactly. */
const SignedMinor = (description: string) =>
  Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, description });

const pipelineRowSchema = Closed({
  position: Type.Integer({ minimum: 1, description: 'The stage’s place in the pipeline’s order then.' }),
  stageId: Uuid(),
  stageName: Nullable(Type.String({ description: 'Null for a stage the pipeline does not list (not seen yet).' })),
  winProbability: Nullable(Type.Integer({ minimum: 0, maximum: 100, description: 'Percent, as the stage had then.' })),
  retired: Type.Boolean({ description: 'Taken out of the pipeline; shown only while deals are in it.' }),
  currency: Nullable(CurrencyCode({ description: 'Null on the one row of a stage without deals.' })),
  count: Type.Integer({ minimum: 0, description: 'Open deals in the stage, in this currency.' }),
  amountMinor: MinorAmount({ description: 'Their values, in minor units.' }),
  weightedMinor: MinorAmount({ description: 'amountMinor × winProbability / 100, rounded half up.' }),
});
const pipelineReportSchema = Closed({
  pipelineId: Uuid(),
  pipelineName: Type.String(),
  asOf: Type.Optional(UtcTimestamp({ description: 'As the pipeline stood then; absent: now.' })),
  ownerId: Type.Optional(Uuid()),
  openedFrom: Type.Optional(UtcTimestamp()),
  openedTo: Type.Optional(UtcTimestamp()),
  rows: Type.Array(pipelineRowSchema, { description: 'Per stage in order, then per currency.' }),
});
sameShape<Static<typeof pipelineReportSchema>, PipelineReportView>(true);

const winRateRowSchema = Closed({
  won: Type.Integer({ minimum: 0 }),
  lost: Type.Integer({ minimum: 0 }),
  winRateBasisPoints: Nullable(Type.Integer({ minimum: 0, maximum: 10_000, description: 'won / (won + lost), half up.' })),
  averageCycleSeconds: Nullable(Type.Integer({ minimum: 0, description: 'First opening to latest close, half up.' })),
});
const winRateSchema = Closed({
  pipelineId: Type.Optional(Uuid()),
  ownerId: Type.Optional(Uuid()),
  from: Type.Optional(UtcTimestamp()),
  to: Type.Optional(UtcTimestamp()),
  rows: Type.Array(winRateRowSchema, { minItems: 1, maxItems: 1 }),
});
sameShape<Static<typeof winRateSchema>, WinRateView>(true);

const revenueRowSchema = Closed({
  key: Type.String({ description: 'The UTC day (2025-06-30), ISO week (2025-W27), month (2025-06), product or customer id.' }),
  currency: CurrencyCode(),
  paidMinor: SignedMinor('Paid order lines, at the payment.'),
  refundedMinor: SignedMinor('Refunded, at the refund.'),
  revenueMinor: SignedMinor('paidMinor − refundedMinor.'),
});
const revenueSchema = Closed({
  by: StringEnum(REVENUE_GROUPINGS),
  from: Type.Optional(UtcTimestamp()),
  to: Type.Optional(UtcTimestamp()),
  currency: Type.Optional(CurrencyCode()),
  rows: Type.Array(revenueRowSchema, { description: 'By key, then currency.' }),
});
sameShape<Static<typeof revenueSchema>, RevenueView>(true);

export const pipelineReportView = namedSchema('PipelineReport', pipelineReportSchema);
export const winRateView = namedSchema('WinRateReport', winRateSchema);
export const revenueView = namedSchema('RevenueReport', revenueSchema);

export const PIPELINE_REPORT_COLUMNS = Object.keys(pipelineRowSchema.properties);
export const WIN_RATE_COLUMNS = Object.keys(winRateRowSchema.properties);
export const REVENUE_COLUMNS = Object.keys(revenueRowSchema.properties);
