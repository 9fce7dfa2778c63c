import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { newId } from '@crm/eventsourcing';
import { Access, ApiJsonResponse, ApiProblemResponse, IfMatch, ParseIdPipe, Roles } from '@crm/platform/nest';
import type { ListPage } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { ApiResponds, respond, type HistoryEntry } from '@crm/service-kit';
import { now } from '@crm/platform';
import { AssignLeadOwner, ConvertLead, CreateLead, DisqualifyLead, EraseLead, QualifyLead } from '../application/commands/leads';
import { AssignLeadOwnerDto, ConvertLeadDto, CreateLeadDto, DisqualifyLeadDto } from '../application/inputs/lead.dto';
import { GetHistory, GetOne } from '../application/queries/aggregate-reads';
import { ListLeads, type LeadListItem } from '../application/queries/sales-queries';
import { leadListQuery } from '../application/read-models/lead-list';
import { writtenLead, type LeadView } from '../application/sales-views';
import { AsOfQuery, asOfTime } from './as-of.query';
import { leadAggregate, LeadNotFound } from '../domain/lead';
import { history, leadView, listedLead } from './views';

const ApiLeadNotFound = () => ApiProblemResponse(404, 'No lead has this id');
const ApiLeadErased = () => ApiProblemResponse(410, 'The lead’s personal data was erased');
const ApiLeadSettled = () =>
  ApiProblemResponse(409, 'The lead is being converted or was converted, or another request changed it at the same moment');

const uuid = new ParseIdPipe();

@ApiTags('leads')
@ApiBearerAuth()
@Controller('v1/leads')
export class LeadsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Access('write')
  @ApiOperation({
    summary: 'Create a lead',
    description:
      'A person who may become a customer. Name, e-mail, phone and notes are personal data, sealed with the lead’s own key. Give `leadId` (a UUID) to make a retried create harmless: the second one is a 409.',
  })
  @ApiResponds(leadView, { status: 201, location: true })
  @ApiProblemResponse(409, 'A lead with this leadId exists already')
  @ApiProblemResponse(410, 'The person of this leadId (a lead or a contact) was erased: the id cannot be used again')
  async create(@Body() body: CreateLeadDto, @Res({ passthrough: true }) response: Response): Promise<LeadView> {
    const { leadId = newId(), ...lead } = body;
    const written = await this.commands.execute(new CreateLead(leadId, lead, now()));
    return respond(response, written, { status: 201, location: `/v1/leads/${leadId}` });
  }

  @Get()
  @Access('read')
  @ApiOperation({
    summary: 'List leads',
    description:
      'From the read model (eventually consistent), newest first: filters on `status`, `ownerId`, `source` and the dates (not on names or e-mail addresses, which the list keeps sealed), `sort`, cursor pages, `position`. Personal values are absent once erased.',
  })
  @ApiListQuery(leadListQuery, { items: listedLead })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<LeadListItem>> {
    return this.queries.execute(new ListLeads(query));
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({
    summary: 'Get a lead',
    description:
      'The lead now, or as it was at `asOf`: a conversion shows as `converting` (with the attempt), then `converted` (contact and deal) or `conversion-failed` (why).',
  })
  @ApiResponds(leadView)
  @ApiLeadNotFound()
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LeadView> {
    return respond(response, await this.queries.execute(new GetOne(leadAggregate, writtenLead, id, asOfTime(query))));
  }

  @Get(':id/history')
  @Access('read')
  @ApiOperation({
    summary: "A lead's history",
    description: 'Every change: who, when, which fields, old and new values (personal values absent once erased).',
  })
  @ApiJsonResponse(200, history)
  @ApiLeadNotFound()
  async history(@Param('id', uuid) id: string): Promise<{ items: HistoryEntry[] }> {
    return { items: await this.queries.execute(new GetHistory(leadAggregate, id, (missing) => new LeadNotFound(missing))) };
  }

  @Post(':id/qualify')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({
    summary: 'Qualify a lead',
    description: 'Worth pursuing: it can be converted. Again after a disqualification.',
  })
  @ApiResponds(leadView)
  @ApiLeadNotFound()
  @ApiLeadErased()
  @ApiLeadSettled()
  async qualify(
    @Param('id', uuid) id: string,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LeadView> {
    return respond(response, await this.commands.execute(new QualifyLead(id, now(), expectedRevision)));
  }

  @Post(':id/disqualify')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Disqualify a lead, with the reason', description: 'The note is personal data.' })
  @ApiResponds(leadView)
  @ApiLeadNotFound()
  @ApiLeadErased()
  @ApiLeadSettled()
  async disqualify(
    @Param('id', uuid) id: string,
    @Body() body: DisqualifyLeadDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LeadView> {
    return respond(
      response,
      await this.commands.execute(new DisqualifyLead(id, body.reason, body.note, now(), expectedRevision)),
    );
  }

  @Post(':id/owner')
  @HttpCode(200)
  @Access('write')
  @ApiOperation({ summary: 'Assign the lead’s owner', description: 'The user who works it; any time until it is converted.' })
  @ApiResponds(leadView)
  @ApiLeadNotFound()
  @ApiLeadErased()
  @ApiProblemResponse(409, 'The lead was converted, or another request changed it at the same moment')
  async assignOwner(
    @Param('id', uuid) id: string,
    @Body() body: AssignLeadOwnerDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LeadView> {
    return respond(response, await this.commands.execute(new AssignLeadOwner(id, body.ownerId, now(), expectedRevision)));
  }

  @Post(':id/convert')
  @HttpCode(202)
  @Access('write')
  @ApiOperation({
    summary: 'Convert a lead into a contact and a deal',
    description:
      'Asks for the conversion and answers at once with the lead `converting` (ADR 0020): contacts creates the person as a contact with the lead’s id (or links `contactId`), then the deal opens in the pipeline’s first stage. Follow `GET /v1/leads/{id}` until it is `converted` or `conversion-failed`; after a failure, ask again. The same request while converting changes nothing.',
  })
  @ApiResponds(leadView, { status: 202 })
  @ApiLeadNotFound()
  @ApiLeadErased()
  @ApiProblemResponse(
    409,
    'The lead is not qualified, is disqualified, converted, or being converted differently, or another request changed it at the same moment',
  )
  @ApiProblemResponse(422, 'No pipeline has this id, or a failed attempt linked the lead to another contact')
  async convert(
    @Param('id', uuid) id: string,
    @Body() body: ConvertLeadDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LeadView> {
    return respond(response, await this.commands.execute(new ConvertLead(id, body, now(), expectedRevision)), { status: 202 });
  }

  @Post(':id/erase')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({
    summary: "Erase a lead's personal data",
    description:
      'GDPR erasure by crypto-shredding, of a lead that never became a contact: its key is deleted first, so nothing of the person can be read from then on, then LeadErased is recorded. Repeating it is harmless. A lead that is a contact now is erased with the contact.',
  })
  @ApiJsonResponse(204, undefined, { description: 'Erased' })
  @ApiLeadNotFound()
  @ApiProblemResponse(409, 'The lead is being converted, or the person is a contact now (erase the contact)')
  erase(@Param('id', uuid) id: string): Promise<void> {
    return this.commands.execute(new EraseLead(id, now()));
  }
}
