import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res, type Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProperty,
  ApiResponse,
  ApiTags,
  type ApiPropertyOptions,
} from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, ValidateBy } from 'class-validator';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { currentCorrelation, RequestValidationError, UnsupportedMediaTypeError, type Principal, type Role } from '@crm/platform';
import {
  ApiJsonResponse,
  ApiProblemResponse,
  CurrentPrincipal,
  documentValidator,
  Optional,
  OPENAPI_RULE_EXTENSION,
  RESPONSE_HEADERS,
  Roles,
  type SchemaObject,
} from '@crm/platform/nest';
import { escapeCell } from '../cells';
import { countryCodeOf } from '../countries';
import type { ColumnMapping, ImportKinds } from '../columns';
import type { CsvDelimiter } from '../csv-file';
import type { ImportJob, ImportJobView, RowError } from '../job-store';
import { jsonArray } from '../json-array';
import { ImportJobNotFound } from '../problems';
import { ImportJobs } from './import-jobs';
import { importJob, importJobList, rowErrors } from './import-openapi';

const MAX_MAPPING_ENTRIES = 200;
const MAX_MAPPING_TEXT = 20_000;
/** Bad rows shown in the job itself; all of them at `/errors`. */
const BAD_ROWS_SHOWN = 100;
// What `mapping` takes, for the document (`mapping[Header]=field`); its JSON form is in the parameter's description.
documentValidator('isMapping', {
  type: 'object',
  maxProperties: MAX_MAPPING_ENTRIES,
  additionalProperties: { type: 'string', maxLength: 40 },
  [OPENAPI_RULE_EXTENSION]: "headers of the file's columns, each to a field of the kind or `ignore`",
} as SchemaObject);

const DELIMITER_NAMES: Record<string, CsvDelimiter> = { ',': ',', comma: ',', ';': ';', semicolon: ';', tab: '\t' };

const isMapping = (value: unknown): boolean => {
  if (typeof value === 'string') return value.length <= MAX_MAPPING_TEXT;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= MAX_MAPPING_ENTRIES && entries.every(([k, v]) => k.length <= 200 && typeof v === 'string' && v.length <= 40)
  );
};

class ErrorsQuery {
  @ApiProperty({ required: false, enum: ['csv', 'json'] })
  @Optional()
  @IsIn(['csv', 'json'])
  format?: 'csv' | 'json';
}

const uuid = new ParseUUIDPipe();

/**
 * The imports routes of a service, for its kinds and its importing roles: `POST /v1/imports` (202 with the job),
 * `GET /v1/imports` (the caller's), `GET /v1/imports/:jobId` and `GET /v1/imports/:jobId/errors`.
 */
export function importsController(kinds: ImportKinds, roles: readonly Role[]): Type {
  class ImportQuery {
    @ApiProperty({ enum: kinds.names, required: false, description: `What the rows are; ${kinds.defaultKind} unless given.` })
    @Optional()
    @IsIn(kinds.names)
    kind?: string;

    @ApiProperty({
      required: false,
      description:
        'Which field each column fills, where the header does not say it: `mapping[Work Email]=email`, or the same as a JSON object `mapping={"Work Email":"email"}`; `ignore` drops a column.',
    })
    @Optional()
    @ValidateBy({
      name: 'isMapping',
      validator: {
        validate: isMapping,
        defaultMessage: () => `mapping maps at most ${MAX_MAPPING_ENTRIES} column headers to field names`,
      },
    })
    mapping?: string | Record<string, string>;

    @ApiProperty({
      required: false,
      enum: ['true', 'false'],
      description: 'Pass over columns that fill no field instead of refusing the file.',
    })
    @Optional()
    @IsIn(['true', 'false'])
    ignoreUnknownColumns?: 'true' | 'false';

    @ApiProperty({
      required: false,
      enum: Object.keys(DELIMITER_NAMES),
      description: 'The cell separator; when not given, detected from the header and the first rows (comma, semicolon or tab).',
      [OPENAPI_RULE_EXTENSION]: 'the separator the file uses',
    } as ApiPropertyOptions)
    @Optional()
    @IsIn(Object.keys(DELIMITER_NAMES))
    delimiter?: string;

    @ApiProperty({
      required: false,
      description:
        "The country of rows that name none: an ISO 3166-1 code, an alpha-3 code or a country's name (`CH`, `CHE`, " +
        '`Switzerland`). A contact created without a country gets it, and national phone numbers are read in it.',
      example: 'CH',
      [OPENAPI_RULE_EXTENSION]: 'a country code or name',
    } as ApiPropertyOptions)
    @Optional()
    @IsString()
    @MaxLength(100)
    defaultCountry?: string;
  }

  @ApiTags('imports')
  @ApiBearerAuth()
  @Controller('v1/imports')
  class ImportsController {
    constructor(@Inject(ImportJobs) private readonly jobs: ImportJobs) {}

    @Post()
    @HttpCode(202)
    @Roles(...roles)
    @ApiOperation({
      summary: 'Import a CSV file',
      description:
        "Of one of the service's kinds of rows (the body, `text/csv`, UTF-8). The file is checked as a whole first (size, " +
        'CSV syntax, columns): a refused file writes nothing. Then 202 with the job; its rows are imported in the ' +
        'background, each as the API would write it (bad rows are reported, good rows land).',
    })
    @ApiConsumes('text/csv')
    @ApiBody({
      required: true,
      description: 'A header row naming fields of the `kind` (or mapped to them with `mapping`), then a row per item.',
      schema: {
        type: 'string',
        example: kinds.exampleFile(),
        [OPENAPI_RULE_EXTENSION]: 'a header row naming fields of the kind, then at least one row',
      } as SchemaObject,
    })
    @ApiJsonResponse(202, importJob, {
      description: 'Accepted: the rows are imported in the background; follow the job',
      headers: { [RESPONSE_HEADERS.location.name]: RESPONSE_HEADERS.location.header },
    })
    async create(
      @Query() query: ImportQuery,
      @CurrentPrincipal() caller: Principal,
      @Req() request: Request,
      @Res({ passthrough: true }) response: Response,
    ): Promise<ImportJobView> {
      const kind = query.kind ?? kinds.defaultKind;
      const mapping = parseMapping(query.mapping);
      const errors = kinds.mappingErrors(kind, mapping);
      if (errors.length > 0) throw new RequestValidationError(errors);
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const charset = /charset=([^;]+)/i
        .exec(request.headers['content-type'] ?? '')?.[1]
        ?.trim()
        .replace(/"/g, '')
        .toLowerCase();
      if (mediaType !== 'text/csv' || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
        throw new UnsupportedMediaTypeError(
          `Send the file as text/csv in UTF-8; received ${mediaType ? `"${mediaType}"` : 'no Content-Type'}.`,
        );
      }
      const defaultCountry = query.defaultCountry === undefined ? undefined : countryCodeOf(query.defaultCountry);
      if (query.defaultCountry !== undefined && defaultCountry === undefined) {
        throw new RequestValidationError([
          { field: 'defaultCountry', messages: [`"${query.defaultCountry}" is no country name or ISO 3166-1 code`], in: 'query' },
        ]);
      }
      const job = await this.jobs.submit(request, {
        kind,
        mapping,
        ignoreUnknownColumns: query.ignoreUnknownColumns === 'true',
        delimiter: query.delimiter === undefined ? undefined : DELIMITER_NAMES[query.delimiter],
        defaultCountry,
        createdBy: caller.sub,
        correlationId: currentCorrelation()?.correlationId ?? randomUUID(),
      });
      response.location(`/v1/imports/${job.jobId}`);
      return this.view(job);
    }

    @Get()
    @Roles(...roles)
    @ApiOperation({ summary: 'List imports', description: "The caller's imports, newest first (an admin sees everyone's)." })
    @ApiJsonResponse(200, importJobList)
    async list(@CurrentPrincipal() caller: Principal): Promise<{ items: Omit<ImportJobView, 'badRows'>[] }> {
      const jobs = await this.jobs.store.list(caller.roles.includes('admin') ? undefined : caller.sub, 50);
      return { items: jobs.map(({ delimiter: _, ...job }) => ({ ...job, badRowsUrl: `/v1/imports/${job.jobId}/errors` })) };
    }

    @Get(':jobId')
    @Roles(...roles)
    @ApiOperation({
      summary: 'Get an import',
      description: 'Status, progress (rows and bytes, for a progress bar), counts, and the first bad rows with their reasons.',
    })
    @ApiJsonResponse(200, importJob)
    @ApiProblemResponse(404, "No import of the caller's has this id")
    async get(@Param('jobId', uuid) jobId: string, @CurrentPrincipal() caller: Principal): Promise<ImportJobView> {
      return this.view(await this.ownJob(jobId, caller));
    }

    @Get(':jobId/errors')
    @Roles(...roles)
    @ApiOperation({
      summary: "An import's bad rows",
      description: 'Every bad row kept (up to 10,000): `format=csv` (the default, one line per field and reason) or `json`.',
    })
    @ApiResponse({
      status: 200,
      description: 'The bad rows',
      content: { 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: rowErrors } },
    })
    @ApiProblemResponse(404, "No import of the caller's has this id")
    async errors(
      @Param('jobId', uuid) jobId: string,
      @Query() query: ErrorsQuery,
      @CurrentPrincipal() caller: Principal,
      @Res() response: Response,
    ): Promise<void> {
      await this.ownJob(jobId, caller);
      const store = this.jobs.store;
      async function* rowErrors(): AsyncGenerator<RowError> {
        for (let after = 0; ;) {
          const page = await store.rowErrors(jobId, after, 1000);
          yield* page;
          if (page.length < 1000) return;
          after = page[page.length - 1].row;
        }
      }
      if (query.format === 'json') {
        response.type('application/json');
        await pipeline(Readable.from(jsonArray(rowErrors())), response);
        return;
      }
      response.type('text/csv').attachment(`import-${jobId}-errors.csv`);
      const lines = async function* () {
        for await (const error of rowErrors()) {
          const fields = error.errors?.length
            ? error.errors
            : [{ field: '', column: undefined, messages: [error.detail ?? error.title] }];
          for (const { field, column, messages } of fields) {
            yield [String(error.row), column ?? '', field, messages.join('; '), error.title].map(escapeCell);
          }
        }
      };
      await pipeline(
        Readable.from(lines()),
        stringify({ header: true, columns: ['row', 'column', 'field', 'reason', 'problem'] }),
        response,
      );
    }

    private async ownJob(jobId: string, caller: Principal): Promise<ImportJob> {
      const job = await this.jobs.store.get(jobId);
      // Someone else's job does not exist for the caller: its name alone would tell what they imported.
      if (!job || (job.createdBy !== caller.sub && !caller.roles.includes('admin'))) throw new ImportJobNotFound(jobId);
      return job;
    }

    private async view(job: ImportJob): Promise<ImportJobView> {
      const { delimiter: _, ...shown } = job;
      const badRows = job.failed > 0 ? await this.jobs.store.rowErrors(job.jobId, 0, BAD_ROWS_SHOWN) : [];
      return { ...shown, badRows, badRowsUrl: `/v1/imports/${job.jobId}/errors` };
    }
  }

  return ImportsController;
}

/** `mapping` as sent: a qs object (`mapping[Header]=field`) or JSON text. */
function parseMapping(mapping: string | Record<string, string> | undefined): ColumnMapping {
  if (mapping === undefined) return {};
  if (typeof mapping !== 'string') return mapping;
  let parsed: unknown;
  try {
    parsed = JSON.parse(mapping);
  } catch {
    parsed = undefined;
  }
  if (!isMapping(parsed) || typeof parsed === 'string') {
    throw new RequestValidationError([
      {
        field: 'mapping',
        messages: ['must be a JSON object of column header to field name, or mapping[Header]=field'],
        in: 'query',
      },
    ]);
  }
  return parsed as ColumnMapping;
}
