import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { newId } from '@crm/eventsourcing';
import { Access, ApiJsonResponse, ApiProblemResponse, IfMatch, ParseIdPipe } from '@crm/platform/nest';
import type { ListPage } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { ApiResponds, respond } from '@crm/service-kit';
import { now } from '@crm/platform';
import { LoseDeal, MoveDealStage, OpenDeal, ReopenDeal, UpdateDeal, WinDeal } from '../application/commands/deals';
import { LoseDealDto, MoveDealDto, OpenDealDto, ReopenDealDto, UpdateDealDto } from '../application/inputs/deal.dto';
import { dealAggregate } from '../domain/deal';
import { GetDealHistory, GetOne } from '../application/queries/aggregate-reads';
import { ListDeals } from '../application/queries/sales-queries';
import { dealListQuery, type DealListItem } from '../application/read-models/deal-list';
import type { DealHistory } from '../application/deal-history';
import { writtenDeal, type DealView } from '../application/sales-views';
import { AsOfQuery, asOfTime } from './as-of.query';
import { dealHistory, dealView, listedDeal } from './views';

const ApiDealNotFound = () => ApiProblemResponse(404, 'No deal (or pipeline) has this id');
const ApiDealClosed = () =>
  ApiProblemResponse(409, 'The deal is won or lost (reopen it first), or another request changed it at the same moment');
const ApiStageRefused = () => ApiProblemResponse(422, 'The stage is not one of the pipeline’s, or is retired');

const uuid = new ParseIdPipe();

@ApiTags('deals')
@ApiBearerAuth()
@Controller('v1/deals')
export class DealsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Access('write')
  @ApiOperation({
    summary: 'Open a deal',
    description:
      'With a customer, in a pipeline: in `stageId`, else the pipeline’s first stage. Money in integer minor units. Give `dealId` (a UUID) to make a retried open harmless: the second one is a 409.',
  })
  @ApiResponds(dealView, { status: 201, location: true })
  @ApiProblemResponse(404, 'No pipeline has this id')
  @ApiProblemResponse(409, 'A deal with this dealId exists already')
  @ApiStageRefused()
  async open(@Body() body: OpenDealDto, @Res({ passthrough: true }) response: Response): Promise<DealView> {
    const { dealId = newId(), contactId, pipelineId, stageId, ...fields } = body;
    const written = await this.commands.execute(new OpenDeal(dealId, contactId, pipelineId, stageId, fields, now()));
    return respond(response, written, { status: 201, location: `/v1/deals/${dealId}` });
  }

  @Get()
  @Access('read')
  @ApiOperation({
    summary: 'List deals',
    description:
      'From the read model (eventually consistent), newest opened first: a board is `pipelineId` and `stageId`; filters, `sort`, cursor pages, `position`.',
  })
  @ApiListQuery(dealListQuery, { items: listedDeal })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<DealListItem>> {
    return this.queries.execute(new ListDeals(query));
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({ summary: 'Get a deal', description: 'The deal now, or as it was at `asOf`.' })
  @ApiResponds(dealView)
  @ApiDealNotFound()
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DealView> {
    return respond(response, await this.queries.execute(new GetOne(dealAggregate, writtenDeal, id, asOfTime(query))));
  }
  @Get(':id/history')
  @Access('read')
  @ApiOperation({
    summary: "A deal's history",
    description: 'Every change (who, when, which fields, old and new values), and the time it spent in each stage.',
  })
  @ApiJsonResponse(200, dealHistory)
  @ApiDealNotFound()
  history(@Param('id', uuid) id: string): Promise<DealHistory> {
    return this.queries.execute(new GetDealHistory(id, now()));
  }

  @Patch(':id')
  @Access('write')
  @ApiOperation({
    summary: 'Update a deal',
    description: 'Changes the fields given; `clear` removes optional fields; `If-Match` makes it conditional.',
  })
  @ApiResponds(dealView)
  @ApiDealNotFound()
  @ApiDealClosed()
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateDealDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DealView> {
    const { clear = [], ...changes } = body;
    return respond(response, await this.commands.execute(new UpdateDeal(id, changes, clear, now(), expectedRevision)));
  }

  @Post(':id/stage')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Move a deal to another stage of its pipeline' })
  @ApiResponds(dealView)
  @ApiDealNotFound()
  @ApiDealClosed()
  @ApiStageRefused()
  async move(
    @Param('id', uuid) id: string,
    @Body() body: MoveDealDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DealView> {
    return respond(response, await this.commands.execute(new MoveDealStage(id, body.stageId, now(), expectedRevision)));
  }

  @Post(':id/win')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Win a deal', description: 'It is won with its value as it is.' })
  @ApiResponds(dealView)
  @ApiDealNotFound()
  @ApiDealClosed()
  async win(
    @Param('id', uuid) id: string,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DealView> {
    return respond(response, await this.commands.execute(new WinDeal(id, now(), expectedRevision)));
  }

  @Post(':id/lose')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Lose a deal, with the reason' })
  @ApiResponds(dealView)
  @ApiDealNotFound()
  @ApiDealClosed()
  async lose(
    @Param('id', uuid) id: string,
    @Body() body: LoseDealDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DealView> {
    return respond(response, await this.commands.execute(new LoseDeal(id, body.reason, now(), expectedRevision)));
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Reopen a won or lost deal', description: 'In `stageId`, else the stage it was closed in.' })
  @ApiResponds(dealView)
  @ApiDealNotFound()
  @ApiProblemResponse(409, 'The deal is open, or another request changed it at the same moment')
  @ApiStageRefused()
  async reopen(
    @Param('id', uuid) id: string,
    @Body() body: ReopenDealDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DealView> {
    return respond(response, await this.commands.execute(new ReopenDeal(id, body.stageId, now(), expectedRevision)));
  }
}
