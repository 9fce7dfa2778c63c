import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { newId } from '@crm/eventsourcing';
import { expectedRevisionFrom } from '@crm/platform';
import { Access, ParseIdPipe, Roles } from '@crm/platform/nest';
import type { ListPage } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { respond } from '@crm/service-kit';
import { ArchiveCompany, CreateCompany, UpdateCompany } from '../application/commands/companies';
import type { CompanyView } from '../application/contact-view';
import { CreateCompanyDto, UpdateCompanyDto } from '../application/inputs/company.dto';
import { CompanyPeople, GetCompany, ListCompanies, type ListedCompany } from '../application/queries/companies';
import type { ListedContact } from '../application/queries/contacts';
import { companyListQuery } from '../application/read-models/company-list';

const uuid = new ParseIdPipe();
const now = () => new Date().toISOString();

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
  async create(@Body() body: CreateCompanyDto, @Res({ passthrough: true }) response: Response): Promise<CompanyView> {
    const { companyId = newId(), ...input } = body;
    const written = await this.commands.execute(new CreateCompany(companyId, input, now()));
    return respond(response, written, { status: 201, location: `/v1/companies/${companyId}` });
  }

  /** Lists from the read model (eventually consistent): filters, `sort`, `q` (name or domain prefix), cursor pages, `position`. */
  @Get()
  @Access('read')
  @ApiListQuery(companyListQuery)
  list(@Query() query: Record<string, unknown>): Promise<ListPage<ListedCompany>> {
    return this.queries.execute(new ListCompanies(query));
  }

  @Get(':id')
  @Access('read')
  async get(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<CompanyView> {
    return respond(response, await this.queries.execute(new GetCompany(id)));
  }

  @Patch(':id')
  @Access('write')
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateCompanyDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CompanyView> {
    const { clear = [], ...changes } = body;
    return respond(
      response,
      await this.commands.execute(new UpdateCompany(id, changes, clear, now(), expectedRevisionFrom(ifMatch))),
    );
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles('admin', 'sales')
  async archive(@Param('id', uuid) id: string, @Res({ passthrough: true }) response: Response): Promise<CompanyView> {
    return respond(response, await this.commands.execute(new ArchiveCompany(id, now())));
  }

  /** The company's people, from the contact list (eventually consistent). */
  @Get(':id/people')
  @Access('read')
  async people(@Param('id', uuid) id: string): Promise<{ items: ListedContact[] }> {
    return { items: await this.queries.execute(new CompanyPeople(id)) };
  }
}
