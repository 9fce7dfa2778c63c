import { applyDecorators, Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus, type IQuery } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { exportCell } from '@crm/csv';
import { sendTableExport } from '@crm/csv/nest';
import { RequestValidationError } from '@crm/platform';
import { Access, ApiProblemResponse, type ReferenceObject } from '@crm/platform/nest';
import { PipelineReportQuery, RevenueQuery, WinRateQuery, type Report } from '../application/queries/sales-reports';
import { normalizeTime } from '../domain/timeline';
import {
  PIPELINE_REPORT_COLUMNS,
  pipelineReportView,
  REVENUE_COLUMNS,
  revenueView,
  WIN_RATE_COLUMNS,
  winRateView,
} from './report-views';
import { PipelineReportParameters, RevenueParameters, WinRateParameters } from './reports.dto';

/** A report's answer: the JSON document, or its rows as CSV (same columns, same order). */
const ApiReport = (name: string, view: ReferenceObject) =>
  applyDecorators(
    ApiResponse({
      status: 200,
      description: `The report; as CSV (a download, \`${name}-<date>.csv\`) with \`format=csv\` or \`Accept: text/csv\``,
      content: {
        'application/json': { schema: view },
        'text/csv': { schema: { type: 'string', description: 'A header row with the columns of `rows`, then a line per row.' } },
      },
    }),
  );

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('pipeline')
  @Access('read')
  @ApiOperation({
    summary: 'Pipeline by stage',
    description:
      'The open deals of a pipeline per stage in its order, per currency: count, amount and weighted forecast (amount × ' +
      "the stage's win probability, half up). With `asOf`, the pipeline as it stood then: stages, values and owners.",
  })
  @ApiReport('pipeline-report', pipelineReportView)
  @ApiProblemResponse(404, 'No such pipeline has reached analytics')
  async pipeline(
    @Query() { format, pipelineId, ...rest }: PipelineReportParameters,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { from: openedFrom, to: openedTo } = period(rest.openedFrom, rest.openedTo, 'openedTo');
    const request = {
      ...defined({ ownerId: rest.ownerId, openedFrom, openedTo }),
      ...defined({ asOf: normalizeTime(rest.asOf) }),
    };
    await this.answer(
      response,
      format,
      accept,
      'pipeline-report',
      PIPELINE_REPORT_COLUMNS,
      new PipelineReportQuery(pipelineId, request),
    );
  }

  @Get('win-rate')
  @Access('read')
  @ApiOperation({
    summary: 'Win rate and sales cycle',
    description:
      'Deals won and lost in a period (by when they closed), the win rate in basis points and the average cycle in ' +
      'seconds. A reopened deal counts once, by its latest outcome; its cycle runs from its first opening.',
  })
  @ApiReport('win-rate', winRateView)
  async winRate(
    @Query() { format, pipelineId, ownerId, from, to }: WinRateParameters,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const request = defined({ pipelineId, ownerId, ...period(from, to, 'to') });
    await this.answer(response, format, accept, 'win-rate', WIN_RATE_COLUMNS, new WinRateQuery(request));
  }

  @Get('revenue')
  @Access('read')
  @ApiOperation({
    summary: 'Revenue',
    description:
      "Paid orders' lines at the payment, less refunds at the refund (cancelled orders bring nothing), per UTC day, ISO " +
      'week, month, product or customer, and currency.',
  })
  @ApiReport('revenue', revenueView)
  async revenue(
    @Query() { format, by, from, to, currency }: RevenueParameters,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const request = { by, ...defined({ currency, ...period(from, to, 'to') }) };
    await this.answer(response, format, accept, 'revenue', REVENUE_COLUMNS, new RevenueQuery(request));
  }

  /** JSON unless CSV is asked for, by `format=csv` or by an Accept that names text/csv. */
  private async answer(
    response: Response,
    format: 'json' | 'csv' | undefined,
    accept: string | undefined,
    name: string,
    columns: readonly string[],
    query: IQuery,
  ): Promise<void> {
    const report = await this.queries.execute<IQuery, Report<object, Record<string, unknown>>>(query);
    if ((format ?? (/text\/csv/.test(accept ?? '') ? 'csv' : 'json')) === 'json') {
      response.status(200).json(report);
      return;
    }
    const rows = report.rows;
    // The exports' one CSV writer: header, quoting, formulas escaped, sent as a download.
    await sendTableExport(response, { format: 'csv' }, undefined, async () => ({
      name,
      columns,
      record: (row: Record<string, unknown>) => columns.map((column) => exportCell(cellOf(row[column]))),
      items: Object.assign(
        (async function* () {
          yield* rows;
        })(),
        { close: async () => undefined },
      ),
    }));
  }
}

/** A cell as text: null is empty. */
const cellOf = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** A period's bounds in UTC with milliseconds; its end after its start (400 naming the end otherwise). */
function period(rawFrom: string | undefined, rawTo: string | undefined, toName: string): { from?: string; to?: string } {
  const from = normalizeTime(rawFrom);
  const to = normalizeTime(rawTo);
  if (from && to && from >= to) {
    throw new RequestValidationError([{ field: toName, messages: [`${toName} must be later than the start`], in: 'query' }]);
  }
  return defined({ from, to });
}

/** Without the parameters not given, so that the report says only what was asked. */
const defined = <T extends object>(values: T): T =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as T;
