import { applyDecorators, Controller, Get, Headers, Inject, Query, Res, type Type } from '@nestjs/common';
import { QueryBus, type IQuery } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Role } from '@crm/platform';
import { Roles, type ReferenceObject, type SchemaObject } from '@crm/platform/nest';
import { InvalidQueryError, type ListQuery } from '@crm/read-api';
import { ApiListQuery } from '@crm/read-api/nest';
import { jsonArray } from '../json-array';
import type { TableExport } from '../table-export';

type ExportFormat = 'csv' | 'json';

/** The OpenAPI of an export route: its `format` parameter and the media types it answers with (JSON: an array of `items`). */
export const ApiTableExport = (items: ReferenceObject | SchemaObject = { type: 'object' }) =>
  applyDecorators(
    ApiQuery({
      name: 'format',
      required: false,
      enum: ['csv', 'json'],
      description: 'Else from Accept; CSV unless it asks for JSON.',
    }),
    ApiResponse({
      status: 200,
      description: 'Every match, as a download (`<name>-<date>.csv` or `.json`)',
      headers: { 'Content-Disposition': { required: true, schema: { type: 'string' }, description: 'attachment; filename=…' } },
      content: {
        'text/csv': { schema: { type: 'string', description: 'A header row, then a row per item (the import reads it back).' } },
        'application/json': { schema: { type: 'array', items } },
      },
    }),
  );

/** An export of one of the service's lists: `GET /v1/contacts/export`. */
export interface TableExportRoute {
  /** The controller's class name, which OpenAPI's operation ids show: `ContactExportController`. */
  readonly name: string;
  /** `v1/contacts/export`: list it before the controller whose `:id` route would take `export` for an id. */
  readonly path: string;
  /** Its OpenAPI tag: the list's. */
  readonly tag: string;
  /** Its OpenAPI summary: `Export contacts`. */
  readonly summary: string;
  /** The schema of one item of the JSON form: the list's item. */
  readonly items?: ReferenceObject | SchemaObject;
  readonly roles: readonly Role[];
  /** The list whose filters, sort and `q` it takes. */
  readonly listQuery: ListQuery;
  /** The service's query that makes the table of the list's parameters (a `TableExport`). */
  readonly query: (parameters: Record<string, unknown>) => IQuery;
}

/** The controller of an export route: the service declares the route and the query, the table streams as `sendTableExport` says. */
export function tableExportController(route: TableExportRoute): Type {
  @ApiTags(route.tag)
  @ApiBearerAuth()
  @Controller(route.path)
  class TableExportController {
    constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

    @Get()
    @Roles(...route.roles)
    @ApiOperation({ summary: route.summary, description: 'The same filters, sort and `q` as the list; no pages.' })
    @ApiListQuery(route.listQuery, { paged: false })
    @ApiTableExport(route.items)
    async export(
      @Query() query: Record<string, unknown>,
      @Headers('accept') accept: string | undefined,
      @Res() response: Response,
    ): Promise<void> {
      await sendTableExport(response, query, accept, (parameters) =>
        this.queries.execute<IQuery, TableExport>(route.query(parameters)),
      );
    }
  }
  return Object.defineProperty(TableExportController, 'name', { value: route.name });
}

/**
 * Answers an export route: the format from `format`, else from Accept (CSV unless it asks for JSON), then the table
 * the service makes of the other parameters, streamed as a download (`<name>-<date>.csv`) and never built in memory.
 * A client that stops reading just ends the stream.
 *
 *   await sendTableExport(response, query, accept, (parameters) => this.queries.execute(new ExportContacts(parameters)));
 */
export async function sendTableExport(
  response: Response,
  query: Record<string, unknown>,
  accept: string | undefined,
  tableOf: (parameters: Record<string, unknown>) => Promise<TableExport>,
): Promise<void> {
  const { format, ...parameters } = query;
  const wanted = exportFormat(format, accept);
  await streamExport(response, await tableOf(parameters), wanted);
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
