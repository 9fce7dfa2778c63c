import { applyDecorators } from '@nestjs/common';
import { ApiProduces, ApiQuery } from '@nestjs/swagger';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidQueryError } from '@crm/read-api';
import { jsonArray } from '../json-array';
import type { TableExport } from '../table-export';

type ExportFormat = 'csv' | 'json';

/** The OpenAPI of an export route: its `format` parameter and the media types it answers with. */
export const ApiTableExport = () =>
  applyDecorators(
    ApiQuery({
      name: 'format',
      required: false,
      enum: ['csv', 'json'],
      description: 'Else from Accept; CSV unless it asks for JSON.',
    }),
    ApiProduces('text/csv', 'application/json'),
  );

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
