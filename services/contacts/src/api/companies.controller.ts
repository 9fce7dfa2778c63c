import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { newId } from '@crm/eventsourcing';
import { Access, ApiJsonResponse, ApiProblemResponse, IfMatch, ParseIdPipe, Roles } from '@crm/platform/nest';
import type { ListPage } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { ApiResponds, respond } from '@crm/service-kit';
import { now } from '@crm/platform';
import { ArchiveCompany, CreateCompany, UpdateCompany } from '../application/commands/companies';
import type { CompanyView } from '../application/contact-view';
import { CreateCompanyDto, UpdateCompanyDto } from '../application/inputs/company.dto';
import { CompanyPeople, GetCompany, ListCompanies, type ListedCompany } from '../application/queries/companies';
import type { ListedContact } from '../application/queries/contacts';
import { companyListQuery } from '../application/read-models/company-list';
import { companyView, itemsOf, listedCompany, listedContact } from './views';

const ApiCompanyNotFound = () => ApiProblemResponse(404, 'No company has this id');

const uuid = new ParseIdPipe();

@ApiTags('companies')
@ApiBearerAuth()
@Controller('v1/companies')
export class CompaniesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Access('write')
  @ApiOperation({
    summary: 'Create a company',
    description: 'Give `companyId` (a UUID) to make a retried create harmless: the second one is a 409.',
  })
  @ApiResponds(companyView, { status: 201, location: true })
  @ApiProblemResponse(409, 'A company with this companyId exists already')
  async create(@Body() body: CreateCompanyDto, @Res({ passthrough: true }) response: Response): Promise<CompanyView> {
    const { companyId = newId(), ...input } = body;
    const written = await this.commands.execute(new CreateCompany(companyId, input, now()));
    return respond(response, written, { status: 201, location: `/v1/companies/${companyId}` });
  }

  @Get()
  @Access('read')
  @ApiOperation({
    summary: 'List companies',
    description:
      'From the read model (eventually consistent): filters, `sort`, `q` (name or domain prefix), cursor pages, `position`.',
  })
  @ApiListQuery(companyListQuery, { items: listedCompany })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<ListedCompany>> {
    return this.queries.execute(new ListCompanies(query));
  }

  @Get(':id')
  @Access('read')
  @ApiOperation({ summary: 'Get a company' })
  @ApiResponds(companyView)
  @ApiCompanyNotFound()
  async get(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<CompanyView> {
    return respond(response, await this.queries.execute(new GetCompany(id)));
  }

  @Patch(':id')
  @Access('write')
  @ApiOperation({
    summary: 'Update a company',
    description:
      'Changes the fields given (lists are replaced as a whole); `clear` removes optional fields; `If-Match` makes it conditional.',
  })
  @ApiResponds(companyView)
  @ApiCompanyNotFound()
  @ApiProblemResponse(409, 'The company is archived, or another request changed it at the same moment')
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateCompanyDto,
    @IfMatch() expectedRevision: number | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CompanyView> {
    const { clear = [], ...changes } = body;
    return respond(response, await this.commands.execute(new UpdateCompany(id, changes, clear, now(), expectedRevision)));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles('admin', 'sales')
  @ApiOperation({ summary: 'Archive a company' })
  @ApiResponds(companyView)
  @ApiCompanyNotFound()
  @ApiProblemResponse(409, 'Another request changed the company at the same moment')
  async archive(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<CompanyView> {
    return respond(response, await this.commands.execute(new ArchiveCompany(id, now())));
  }

  @Get(':id/people')
  @Access('read')
  @ApiOperation({ summary: "A company's people", description: 'From the contact list (eventually consistent).' })
  @ApiJsonResponse(200, itemsOf(listedContact))
  @ApiCompanyNotFound()
  async people(@Param('id', uuid) id: string): Promise<{ items: ListedContact[] }> {
    return { items: await this.queries.execute(new CompanyPeople(id)) };
  }
}
