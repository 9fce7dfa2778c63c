import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Connection, mongo } from 'mongoose';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiListQuery } from '@crm/read-api/nest';
import { InvalidQueryError, waitForListPosition, type ParsedListQuery } from '@crm/read-api';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { Roles } from '@crm/platform/nest';
import { ContactRecords } from '../application/contact-records';
import { CUSTOM_FIELDS, type CustomFields } from '../application/repositories';
import { CUSTOM_FIELDS_CATALOG_ID } from '../domain/custom-fields';
import { COMPANY_LIST_COLLECTION, companyListQuery, type CompanyListItem } from '../infrastructure/company-list.projection';
import { CONTACT_LIST_COLLECTION, contactListQuery, type ContactListItem } from '../infrastructure/contact-list.projection';
import { COMPANY_EXPORT_COLUMNS, companyExportRecord, contactExport, type ConsentPair } from './export-records';
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
  constructor(
    private readonly records: ContactRecords,
    @Inject(READ_MODELS) private readonly readModels: Connection,
    @Inject(CUSTOM_FIELDS) private readonly customFields: CustomFields,
  ) {}

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
    const { format, ...listQuery } = withoutPages(query);
    const parsed = await this.records.parseContactList(listQuery);
    const collection = this.readModels.collection<ContactListItem & { _id: string }>(CONTACT_LIST_COLLECTION);
    await waitForListPosition(collection, parsed); // before the columns: a consent just recorded may add one
    const customKeys = [...(await this.customFields.load(CUSTOM_FIELDS_CATALOG_ID)).state.fields.keys()];
    await streamExport(response, collection, parsed, {
      name: 'contacts',
      format: exportFormat(format, accept),
      ...contactExport(customKeys, await consentPairsHeld(collection)),
    });
  }
}

/** `GET /v1/companies/export`: the same for the companies list (registered before CompaniesController). */
@ApiTags('companies')
@ApiBearerAuth()
@Controller('v1/companies/export')
export class CompanyExportController {
  constructor(@Inject(READ_MODELS) private readonly readModels: Connection) {}

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
    const { format, ...listQuery } = withoutPages(query);
    const collection = this.readModels.collection<CompanyListItem & { _id: string }>(COMPANY_LIST_COLLECTION);
    const parsed = companyListQuery.parse(listQuery);
    await waitForListPosition(collection, parsed);
    await streamExport(response, collection, parsed, {
      name: 'companies',
      format: exportFormat(format, accept),
      columns: COMPANY_EXPORT_COLUMNS,
      record: companyExportRecord,
    });
  }
}

/** The list's paging parameters make no sense for an export, which holds every match: refused, not ignored. */
function withoutPages(query: Record<string, unknown>): Record<string, unknown> {
  const paging = ['limit', 'cursor'].filter((name) => name in query);
  if (paging.length > 0) {
    throw new InvalidQueryError(
      paging.map((name) => ({ field: name, messages: ['an export has no pages: it holds every match'], in: 'query' as const })),
    );
  }
  return query;
}

function exportFormat(format: unknown, accept: string | undefined): ExportFormat {
  if (format === undefined) return /application\/json/.test(accept ?? '') && !/text\/csv/.test(accept ?? '') ? 'json' : 'csv';
  if (format === 'csv' || format === 'json') return format;
  throw new InvalidQueryError([{ field: 'format', messages: ['must be csv or json'], in: 'query' }]);
}

/** The channels and purposes some contact of the list has a consent statement for: one export column each. */
async function consentPairsHeld(collection: mongo.Collection<ContactListItem & { _id: string }>): Promise<ConsentPair[]> {
  const pairs = await collection
    .aggregate<{ _id: ConsentPair }>([
      { $match: { 'consents.0': { $exists: true } } },
      { $unwind: '$consents' },
      { $group: { _id: { channel: '$consents.channel', purpose: '$consents.purpose' } } },
    ])
    .toArray();
  return pairs.map(({ _id }) => _id);
}

/** Streams every document the query matches, in its order, as an attachment; the cursor reads in batches. */
async function streamExport<D extends { _id: string }>(
  response: Response,
  collection: mongo.Collection<D>,
  parsed: ParsedListQuery,
  shape: { name: string; format: ExportFormat; columns: readonly string[]; record: (item: Omit<D, '_id'>) => string[] },
): Promise<void> {
  const cursor = collection
    .find(parsed.filter as mongo.Filter<D>, { projection: { _id: 0, _meta: 0, search: 0 } })
    .sort(parsed.sort as Record<string, 1 | -1>)
    .batchSize(500);
  const items = cursor as unknown as AsyncIterable<Omit<D, '_id'>>;
  response.status(200).attachment(`${shape.name}-${new Date().toISOString().slice(0, 10)}.${shape.format}`);
  try {
    if (shape.format === 'json') {
      await pipeline(Readable.from(jsonArray(items)), response.type('application/json'));
    } else {
      const records = async function* () {
        for await (const item of items) yield shape.record(item);
      };
      await pipeline(
        Readable.from(records()),
        stringify({ header: true, columns: [...shape.columns] }),
        response.type('text/csv'),
      );
    }
  } catch (error) {
    // The client stopped reading (closed the connection): nothing to answer, nothing went wrong here.
    if (response.destroyed && (error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  } finally {
    await cursor.close();
  }
}
