import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ReadModels } from '@crm/service-kit';
import { pipelineReport, type PipelineReportRequest, type PipelineReportRow } from '../../domain/sales/pipeline-report';
import { revenueReport, type RevenueRequest, type RevenueRow } from '../../domain/sales/revenue';
import { winRate, type WinRateRequest, type WinRateRow } from '../../domain/sales/win-rate';
import { PipelineNotFound } from '../errors';
import { dealHistoriesProjection, orderRevenueProjection, salesPipelinesProjection } from '../read-models/sales';

/** A report as the API answers it: what was asked, and its rows (the CSV export's rows, in the same columns). */
export type Report<Request, Row> = Request & { rows: Row[] };

export type PipelineReportView = Report<PipelineReportRequest & { pipelineId: string; pipelineName: string }, PipelineReportRow>;
export type WinRateView = Report<WinRateRequest, WinRateRow>;
export type RevenueView = Report<RevenueRequest, RevenueRow>;

const WITHOUT_META = { projection: { _id: 0, _meta: 0 } } as const;

/** The open deals of a pipeline per stage, now or as the pipeline stood at `asOf`. */
export class PipelineReportQuery extends Query<PipelineReportView> {
  constructor(
    readonly pipelineId: string,
    readonly request: PipelineReportRequest,
  ) {
    super();
  }
}

@QueryHandler(PipelineReportQuery)
export class PipelineReportHandler implements IQueryHandler<PipelineReportQuery> {
  constructor(private readonly readModels: ReadModels) {}

  async execute({ pipelineId, request }: PipelineReportQuery): Promise<PipelineReportView> {
    const pipeline = await this.readModels.of(salesPipelinesProjection).findOne({ _id: pipelineId }, WITHOUT_META);
    if (!pipeline) throw new PipelineNotFound(pipelineId);
    // Every deal of the pipeline: which were open at `asOf` only their stays tell.
    const deals = await this.readModels.of(dealHistoriesProjection).find({ pipelineId }, WITHOUT_META).toArray();
    return { pipelineId, pipelineName: pipeline.name, ...request, rows: pipelineReport(pipeline, deals, request) };
  }
}

/** Won against lost deals closed in a period, and the average sales cycle. */
export class WinRateQuery extends Query<WinRateView> {
  constructor(readonly request: WinRateRequest) {
    super();
  }
}

@QueryHandler(WinRateQuery)
export class WinRateHandler implements IQueryHandler<WinRateQuery> {
  constructor(private readonly readModels: ReadModels) {}

  async execute({ request }: WinRateQuery): Promise<WinRateView> {
    const closedAt = { $exists: true, ...(request.from && { $gte: request.from }), ...(request.to && { $lt: request.to }) };
    const deals = await this.readModels
      .of(dealHistoriesProjection)
      .find({ closedAt, ...(request.pipelineId && { pipelineId: request.pipelineId }) }, WITHOUT_META)
      .toArray();
    return { ...request, rows: [winRate(deals, request)] };
  }
}

/** Paid orders less refunds, per period, product or customer. */
export class RevenueQuery extends Query<RevenueView> {
  constructor(readonly request: RevenueRequest) {
    super();
  }
}

@QueryHandler(RevenueQuery)
export class RevenueHandler implements IQueryHandler<RevenueQuery> {
  constructor(private readonly readModels: ReadModels) {}

  async execute({ request }: RevenueQuery): Promise<RevenueView> {
    // An order paid after the period has no payment nor refund in it (refunds follow the payment).
    const paidAt = { $exists: true, ...(request.to && { $lt: request.to }) };
    const orders = await this.readModels
      .of(orderRevenueProjection)
      .find({ paidAt, ...(request.currency && { currency: request.currency }) }, WITHOUT_META)
      .toArray();
    return { ...request, rows: revenueReport(orders, request) };
  }
}
