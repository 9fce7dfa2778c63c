import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Roles } from '@crm/platform/nest';
import { InvalidQueryError } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { ExportCompanies, ExportContacts, type TableExport } from '../application/queries/exports';
import { companyListQuery } from '../application/read-models/company-list';
import { contactListQuery } from '../application/read-models/contact-list';
import { IMPORTERS } from './imports.controller';
import { jsonArray } from './json-stream';

type ExportFormat = 'csv' | 'json';

const FORMAT_QUERY = {
  name: 'format',
  required: false,
  enum: ['csv', 'json'],
  description: 'Else from Accept; CSV unless it asks for JSON.',
};

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
  @ApiQuery(FORMAT_QUERY)
  @ApiProduces('text/csv', 'application/json')
  async export(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { format, ...parameters } = query;
    const wanted = exportFormat(format, accept);
    await streamExport(response, await this.queries.execute(new ExportContacts(parameters)), wanted);
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
  @ApiQuery(FORMAT_QUERY)
  @ApiProduces('text/csv', 'application/json')
  async export(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { format, ...parameters } = query;
    const wanted = exportFormat(format, accept);
    await streamExport(response, await this.queries.execute(new ExportCompanies(parameters)), wanted);
  }
}

function exportFormat(format: unknown, accept: string | undefined): ExportFormat {
  if (format === undefined) return /application\/json/.test(accept ?? '') && !/text\/csv/.test(accept ?? '') ? 'json' : 'csv';
  if (format === 'csv' || format === 'json') return format;
  throw new InvalidQueryError([{ field: 'format', messages: ['must be csv or json'], in: 'query' }]);
}

/** Streams the export's items as an attachment, CSV or JSON; the items are read in batches. */
async function streamExport(response: Response, table: TableExport, format: ExportFormat): Promise<void> {
  const { items } = table;
  response.status(200).attachment(`${table.name}-${new Date().toISOString().slice(0, 10)}.${format}`);
  try {
    if (format === 'json') {
      await pipeline(Readable.from(jsonArray(items)), response.type('application/json'));
    } else {
      const records = async function* () {
        for await (const item of items) yield table.record(item);
      };
      await pipeline(
        Readable.from(records()),
        stringify({ header: true, columns: [...table.columns] }),
        response.type('text/csv'),
      );
    }
  } catch (error) {
    // The client stopped reading (closed the connection): nothing to answer, nothing went wrong here.
    if (response.destroyed && (error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  } finally {
    await items.close();
  }
}
