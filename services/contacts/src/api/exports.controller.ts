import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiTableExport, sendTableExport } from '@crm/csv/nest';
import { Roles } from '@crm/platform/nest';
import { ApiListQuery } from '@crm/read-api/nest';
import { ExportCompanies, ExportContacts } from '../application/queries/exports';
import { companyListQuery } from '../application/read-models/company-list';
import { contactListQuery } from '../application/read-models/contact-list';
import { IMPORTERS } from './imports';

/**
 * `GET /v1/contacts/export`: every contact the list shows for the same filters, sort and `q`, streamed as
 * CSV (the import's columns, with a `custom.<key>` one per declared custom field and a `consent.<channel>.<purpose>`
 * one per channel and purpose some contact has consent recorded for, so the file imports again as
 * it is) or JSON (the list's items). Registered
 * before ContactsController, whose `GET /v1/contacts/:id` would otherwise take `export` for an id.
 */
@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/contacts/export')
export class ContactExportController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles(...IMPORTERS)
  @ApiListQuery(contactListQuery)
  @ApiTableExport()
  async export(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    await sendTableExport(response, query, accept, (parameters) => this.queries.execute(new ExportContacts(parameters)));
  }
}

/** `GET /v1/companies/export`: the same for the companies list (registered before CompaniesController). */
@ApiTags('companies')
@ApiBearerAuth()
@Controller('v1/companies/export')
export class CompanyExportController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Roles(...IMPORTERS)
  @ApiListQuery(companyListQuery)
  @ApiTableExport()
  async export(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    await sendTableExport(response, query, accept, (parameters) => this.queries.execute(new ExportCompanies(parameters)));
  }
}
