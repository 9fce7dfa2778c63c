import { Body, Controller, Get, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { newId } from '@crm/eventsourcing';
import { Access, ApiJsonResponse, ApiProblemResponse, IfMatch, ParseIdPipe } from '@crm/platform/nest';
import type { ListPage } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { ApiResponds, respond, type HistoryEntry } from '@crm/service-kit';
import { now } from '@crm/platform';
import { ChangePipelineStages, CreatePipeline, RenamePipeline } from '../application/commands/pipelines';
import { CreatePipelineDto, PipelineStagesDto, RenamePipelineDto } from '../application/inputs/pipeline.dto';
import { ListPipelines } from '../application/queries/sales-queries';
import { GetHistory, GetOne } from '../application/queries/aggregate-reads';
import { pipelineAggregate, PipelineNotFound } from '../domain/pipeline';
import { pipelineListQuery, type PipelineListItem } from '../application/read-models/catalog-lists';
import { writtenPipeline, type PipelineView } from '../application/sales-views';
import { AsOfQuery, asOfTime } from './as-of.query';
import { history, listedPipeline, pipelineView } from './views';

const ApiPipelineNotFound = () => ApiProblemResponse(404, 'No pipeline has this id');
const ApiInvalidStages = () =>
  ApiProblemResponse(422, 'The stages cannot make a pipeline: a stage id or name twice, none, or too many');

const uuid = new ParseIdPipe();

@ApiTags('pipelines')
@ApiBearerAuth()
@Controller('v1/pipelines')
export class PipelinesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Access('write')
  @ApiOperation({
    summary: 'Create a pipeline',
    description: 'Its stages in order. Give `pipelineId` (a UUID) to make a retried create harmless: the second one is a 409.',
  })
  @ApiResponds(pipelineView, { status: 201, location: true })
  @ApiProblemResponse(409, 'A pipeline with this pipelineId exists already')
  @ApiInvalidStages()
  async create(@Body() body: CreatePipelineDto, @Res({ passthrough: true }) response: Response): Promise<PipelineView> {
    const { pipelineId = newId(), name, stages } = body;
    const written = await this.commands.execute(new CreatePipeline(pipelineId, name, stages, now()));
    return respond(response, written, { status: 201, location: `/v1/pipelines/${pipelineId}` });
  }

  @Get()
  @Access('read')
  @ApiOperation({ summary: 'List pipelines', description: 'From the read model (eventually consistent).' })
  @ApiListQuery(pipelineListQuery, { items: listedPipeline })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<PipelineListItem>> {
    return this.queries.execute(new ListPipelines(query));
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({ summary: 'Get a pipeline', description: 'The pipeline now, or as it was at `asOf` (its stages then).' })
  @ApiResponds(pipelineView)
  @ApiPipelineNotFound()
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PipelineView> {
    return respond(response, await this.queries.execute(new GetOne(pipelineAggregate, writtenPipeline, id, asOfTime(query))));
  }
  @Get(':id/history')
  @Access('read')
  @ApiOperation({ summary: "A pipeline's history", description: 'Every change: who, when, which fields, old and new values.' })
  @ApiJsonResponse(200, history)
  @ApiPipelineNotFound()
  async history(@Param('id', uuid) id: string): Promise<{ items: HistoryEntry[] }> {
    return {
      items: await this.queries.execute(new GetHistory(pipelineAggregate, id, (missing) => new PipelineNotFound(missing))),
    };
  }

  @Patch(':id')
  @Access('write')
  @ApiOperation({ summary: 'Rename a pipeline', description: '`If-Match` makes it conditional.' })
  @ApiResponds(pipelineView)
  @ApiPipelineNotFound()
  @ApiProblemResponse(409, 'Another request changed the pipeline at the same moment')
  async rename(
    @Param('id', uuid) id: string,
    @Body() body: RenamePipelineDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PipelineView> {
    return respond(response, await this.commands.execute(new RenamePipeline(id, body.name, now(), expectedRevision)));
  }

  @Put(':id/stages')
  @Access('write')
  @ApiOperation({
    summary: "Change a pipeline's stages",
    description:
      'The stages deals go through from now on, in order. A stage left out is kept, retired: deals in it stay, none enters it; listing it again brings it back. Deals are not moved.',
  })
  @ApiResponds(pipelineView)
  @ApiPipelineNotFound()
  @ApiProblemResponse(409, 'Another request changed the pipeline at the same moment')
  @ApiInvalidStages()
  async changeStages(
    @Param('id', uuid) id: string,
    @Body() body: PipelineStagesDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PipelineView> {
    return respond(response, await this.commands.execute(new ChangePipelineStages(id, body.stages, now(), expectedRevision)));
  }
}
