import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res, type Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProperty,
  ApiResponse,
  ApiTags,
  type ApiPropertyOptions,
  type RequestBodyObject,
} from '@nestjs/swagger';
import { Type as ToType } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify';
import { parse as parseQuery } from 'qs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { currentCorrelation, RequestValidationError, type FieldError, type Principal, type Role } from '@crm/platform';
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
import { SkipIdempotency } from '@crm/idempotency/nest';
import { escapeCell } from '../cells';
import { readCountryCell } from '../countries';
import { DATE_ORDERS, type DateOrder } from '../dates';
import { ON_INVALID_CELL, type OnInvalidCell, type RowFieldError } from '../rows';
import type { ColumnMapping, ImportKinds, ValueMappings } from '../columns';
import type { ImportPresets } from '../presets';
import type { CsvDelimiter } from '../csv-file';
import type { ImportJob, ImportJobView, RowError, RowSeverity } from '../job-store';
import { jsonArray } from '../json-array';
import { MAX_PREVIEW_ROWS, PREVIEW_ROWS, type ImportPreview } from '../preview';
import { ImportJobNotFound } from '../problems';
import type { ImportRequest } from '../queue';
import { uploadFormatOf, XLSX_MEDIA_TYPE } from '../upload';
import { ImportJobs } from './import-jobs';
import { importJob, importJobList, importPreview, rowErrors } from './import-openapi';

const MAX_MAPPING_ENTRIES = 200;
const MAX_MAPPING_TEXT = 20_000;
/** `values[field][cell]=value`: at most as many cells per field as a mapping has columns, each this long at most. */
const MAX_VALUE_TEXT = 200;
/** Bad rows (and rows with warnings) shown in the job itself; all of them at `/errors`. */
const BAD_ROWS_SHOWN = 100;
// What `mapping` takes, for the document (`mapping[Header]=field`); its JSON form is in the parameter's description.
documentValidator('isMapping', {
  type: 'object',
  maxProperties: MAX_MAPPING_ENTRIES,
  additionalProperties: { type: 'string', maxLength: 40 },
  [OPENAPI_RULE_EXTENSION]: "headers of the file's columns, each to a field of the kind or `ignore`",
} as SchemaObject);

// What `rowsWhere` takes, for the document (`rowsWhere[companies]=Is a Company`).
documentValidator('isRowsWhere', {
  type: 'object',
  maxProperties: 1,
  additionalProperties: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
  [OPENAPI_RULE_EXTENSION]: 'one kind of the service, to the header of the column that tells its rows',
} as SchemaObject);
const isRowsWhere = (value: unknown): boolean =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  Object.values(value).every((header) => typeof header === 'string' && header.trim() !== '' && header.length <= 200);
// What `values` takes, for the document (`values[field][cell]=value`); its JSON form is in the parameter's description.
documentValidator('isValueMappings', {
  type: 'object',
  maxProperties: MAX_MAPPING_ENTRIES,
  additionalProperties: {
    type: 'object',
    maxProperties: MAX_MAPPING_ENTRIES,
    additionalProperties: { type: 'string', maxLength: MAX_VALUE_TEXT },
  },
  [OPENAPI_RULE_EXTENSION]: "fields of the kind, each with its cells' values",
} as SchemaObject);

const DELIMITER_NAMES: Record<string, CsvDelimiter> = { ',': ',', comma: ',', ';': ';', semicolon: ';', tab: '\t' };

const isValueMappings = (value: unknown): boolean => {
  if (typeof value === 'string') return value.length <= MAX_MAPPING_TEXT;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const fields = Object.values(value);
  return (
    fields.length <= MAX_MAPPING_ENTRIES &&
    fields.every(
      (cells) =>
        cells !== null &&
        typeof cells === 'object' &&
        Object.entries(cells).length <= MAX_MAPPING_ENTRIES &&
        Object.entries(cells).every(
          ([k, v]) => k.length <= MAX_VALUE_TEXT && typeof v === 'string' && v.length <= MAX_VALUE_TEXT,
        ),
    )
  );
};

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

  @ApiProperty({
    required: false,
    enum: ['error', 'warning'],
    description: 'Only the bad rows (`error`) or only the rows imported with warnings (`warning`); both unless given.',
  })
  @Optional()
  @IsIn(['error', 'warning'])
  severity?: RowSeverity;
}

const uuid = new ParseUUIDPipe();

/**
 * The imports routes of a service, for its kinds and its importing roles: `POST /v1/imports` (202 with the job),
 * `GET /v1/imports` (the caller's), `GET /v1/imports/:jobId` and `GET /v1/imports/:jobId/errors`.
 */
export function importsController(kinds: ImportKinds, roles: readonly Role[], presets?: ImportPresets): Type {
  const presetNames = presets?.names ?? [];
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
      description:
        'Values of your own for a field, applied to its cells before they are read (cells compare without case, spaces or ' +
        'punctuation; an empty value blanks the cell): `values[lifecycleStage][Marketing Qualified Lead]=lead`, or the same ' +
        'as JSON `values={"lifecycleStage":{"Marketing Qualified Lead":"lead"}}`. They win over the preset\'s.',
    })
    @Optional()
    @ValidateBy({
      name: 'isValueMappings',
      validator: {
        validate: isValueMappings,
        defaultMessage: () => `values maps at most ${MAX_MAPPING_ENTRIES} cells of a field to values: values[field][cell]=value`,
      },
    })
    values?: string | Record<string, Record<string, string>>;

    @ApiProperty({
      required: false,
      enum: presetNames.length > 0 ? presetNames : undefined,
      description:
        "Another system's export as it is: its headers, ids, lifecycle values and columns of no use here are known " +
        '(docs/import-export.md); `mapping` and `values` win over it. With a preset, `onInvalidCell` is `skip` unless ' +
        'given: a migration lands every row it can and reports each cell it left out.',
    })
    @Optional()
    @IsIn(presetNames)
    preset?: string;

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
        'A file that holds rows of two kinds (an Odoo partner export: persons and companies): ' +
        '`rowsWhere[companies]=Is a Company` imports the rows whose cell in that column is true (`True`, `1`, `yes`...) ' +
        'as that kind, in a pass before the others, which are of `kind`; each kind reads the columns it has.',
    })
    @Optional()
    @ValidateBy({
      name: 'isRowsWhere',
      validator: {
        validate: isRowsWhere,
        defaultMessage: () => 'rowsWhere names one kind and a column header: rowsWhere[companies]=Is a Company',
      },
    })
    rowsWhere?: Record<string, string>;

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

    @ApiProperty({
      required: false,
      enum: ON_INVALID_CELL,
      description:
        'What a cell that breaks a rule does: `strict` (the default without a `preset`) refuses its row; `skip` (the ' +
        'default with a `preset`) leaves the cell out and imports the rest of the row, with a warning naming the column ' +
        'and the rule. A row left without what it needs (a contact without a name, an e-mail or a phone) is refused all ' +
        'the same.',
    })
    @Optional()
    @IsIn(ON_INVALID_CELL)
    onInvalidCell?: OnInvalidCell;

    @ApiProperty({
      required: false,
      enum: DATE_ORDERS,
      description:
        'The order of day, month and year in the date columns (`dmy`: 14/03/1980, `mdy`: 3/14/80, `ymd`). When not ' +
        'given, each date column takes the order its values tell (a day over 12); a column whose values do not tell ' +
        'takes ISO dates (YYYY-MM-DD) only. Two-digit years are the latest such year up to now.',
    })
    @Optional()
    @IsIn(DATE_ORDERS)
    dateOrder?: DateOrder;
  }

  class PreviewQuery extends ImportQuery {
    @ApiProperty({
      required: false,
      minimum: 1,
      maximum: MAX_PREVIEW_ROWS,
      default: PREVIEW_ROWS,
      description: 'How many of the first rows to show the outcome of.',
    })
    @Optional()
    @ToType(() => Number)
    @IsInt()
    @Min(1)
    @Max(MAX_PREVIEW_ROWS)
    rows?: number;
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
      summary: 'Import a CSV or .xlsx file',
      description:
        "Of one of the service's kinds of rows. The body is the file: `text/csv` (in its `charset`, else the encoding its " +
        'byte order mark tells, else UTF-8, or windows-1252 when that is clear; otherwise 415 saying which charsets to ' +
        "declare), an `.xlsx` workbook (its first worksheet), or a browser's `multipart/form-data` upload of one file " +
        "(CSV or .xlsx by the file's name). The file is checked as a whole first (size, CSV syntax, columns): a refused " +
        'file writes nothing. Then 202 with the job; its rows are imported in the background, each as the API would ' +
        'write it (bad rows are reported, good rows land).',
    })
    @ApiOperation({ requestBody: uploadBody(kinds.exampleFile()) })
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
      const job = await this.jobs.submit(request, importRequest(query, caller, request, kinds, presets));
      response.location(`/v1/imports/${job.jobId}`);
      return this.view(job);
    }

    @Post('preview')
    @HttpCode(200)
    @Roles(...roles)
    @SkipIdempotency()
    @ApiOperation({
      summary: 'Preview an import',
      description:
        'What `POST /v1/imports` would do with the same file and parameters, writing nothing (no job, no change, the ' +
        'file not kept): each column with the field it fills, how surely, and its first values; the value mappings in ' +
        "force; and the first rows' outcomes (created, updated, unchanged or failed with the reasons, and the record " +
        'an update would change). Columns that do not resolve are listed in `columnErrors` (where the import answers ' +
        '400), with no row outcomes, so that the mapping can be fixed.',
    })
    @ApiOperation({ requestBody: uploadBody(kinds.exampleFile()) })
    @ApiJsonResponse(200, importPreview, { description: 'What the import would do' })
    async preview(
      @Query() query: PreviewQuery,
      @CurrentPrincipal() caller: Principal,
      @Req() request: Request,
    ): Promise<ImportPreview> {
      return this.jobs.preview(request, importRequest(query, caller, request, kinds, presets), query.rows ?? PREVIEW_ROWS);
    }

    @Get()
    @Roles(...roles)
    @ApiOperation({ summary: 'List imports', description: "The caller's imports, newest first (an admin sees everyone's)." })
    @ApiJsonResponse(200, importJobList)
    async list(@CurrentPrincipal() caller: Principal): Promise<{ items: Omit<ImportJobView, 'badRows' | 'warningRows'>[] }> {
      const jobs = await this.jobs.store.list(caller.roles.includes('admin') ? undefined : caller.sub, 50);
      return { items: jobs.map(({ delimiter: _, ...job }) => ({ ...job, badRowsUrl: `/v1/imports/${job.jobId}/errors` })) };
    }

    @Get(':jobId')
    @Roles(...roles)
    @ApiOperation({
      summary: 'Get an import',
      description:
        'Status, progress (rows and bytes, for a progress bar), counts, the first bad rows with their reasons and the ' +
        'first rows imported with warnings.',
    })
    @ApiJsonResponse(200, importJob)
    @ApiProblemResponse(404, "No import of the caller's has this id")
    async get(@Param('jobId', uuid) jobId: string, @CurrentPrincipal() caller: Principal): Promise<ImportJobView> {
      return this.view(await this.ownJob(jobId, caller));
    }

    @Get(':jobId/errors')
    @Roles(...roles)
    @ApiOperation({
      summary: "An import's bad rows and warnings",
      description:
        'Every bad row and every row imported with warnings kept (up to 10,000 of each), in row order, each with its ' +
        '`severity`: `format=csv` (the default, one line per field and reason) or `json`.',
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
          const page = await store.rowErrors(jobId, after, 1000, query.severity);
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
            : [{ field: '', column: undefined, items: undefined, messages: [error.detail ?? error.title] }];
          for (const { field, column, items, messages } of fields) {
            const reason = `${items ? `item ${items.join(', ')}: ` : ''}${messages.join('; ')}`;
            yield [String(error.row), error.severity, column ?? '', field, reason, error.title].map(escapeCell);
          }
        }
      };
      await pipeline(
        Readable.from(lines()),
        stringify({ header: true, columns: ['row', 'severity', 'column', 'field', 'reason', 'problem'] }),
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
      const [badRows, warningRows] = await Promise.all([
        job.failed > 0 ? this.jobs.store.rowErrors(job.jobId, 0, BAD_ROWS_SHOWN, 'error') : [],
        job.warnings > 0 ? this.jobs.store.rowErrors(job.jobId, 0, BAD_ROWS_SHOWN, 'warning') : [],
      ]);
      return { ...shown, badRows, warningRows, badRowsUrl: `/v1/imports/${job.jobId}/errors` };
    }
  }

  return ImportsController;
}

/** The import a request asks for, its parameters and media type checked (nothing read yet: a refusal writes nothing). */
function importRequest(
  query: {
    kind?: string;
    mapping?: string | Record<string, string>;
    ignoreUnknownColumns?: string;
    delimiter?: string;
    defaultCountry?: string;
    onInvalidCell?: OnInvalidCell;
    dateOrder?: DateOrder;
    rowsWhere?: Record<string, string>;
    values?: string | Record<string, Record<string, string>>;
    preset?: string;
  },
  caller: Principal,
  request: Request,
  kinds: ImportKinds,
  presets: ImportPresets | undefined,
): ImportRequest {
  const kind = query.kind ?? kinds.defaultKind;
  const mapping = parseMapping(query.mapping);
  const values = parseValueMappings(typeof query.values === 'string' ? query.values : valuesAsSent(request));
  const rowsWhere = query.rowsWhere && rowsWhereOf(query.rowsWhere, kind, kinds);
  const fileKinds = [kind, ...(rowsWhere ? [rowsWhere.kind] : [])];
  // With rows of two kinds, a mapping entry (or a value mapping) may name a field of either.
  const ofEveryKind = (errorsOf: (kind: string) => FieldError[]) => {
    const [first, ...others] = fileKinds.map(errorsOf);
    return first.filter((error) => others.every((errors) => errors.some((other) => other.field === error.field)));
  };
  const presetColumns = Object.fromEntries(
    query.preset === undefined
      ? []
      : fileKinds.flatMap((of) => {
          const columns = presets?.columnsOf(query.preset!, of);
          return columns ? [[of, columns]] : [];
        }),
  );
  const errors = [
    ...ofEveryKind((of) => kinds.mappingErrors(of, mapping)),
    ...ofEveryKind((of) => kinds.valueMappingErrors(of, values)),
    ...(query.preset !== undefined && !presetColumns[kind]
      ? [{ field: 'preset', messages: [`${query.preset} has no ${kind} preset`], in: 'query' as const }]
      : []),
  ];
  if (errors.length > 0) throw new RequestValidationError(errors);
  const format = uploadFormatOf(request.headers['content-type']);
  const countryErrors: RowFieldError[] = [];
  const defaultCountry = readCountryCell(query.defaultCountry, 'defaultCountry', countryErrors);
  if (countryErrors.length > 0) throw new RequestValidationError(countryErrors.map((e) => ({ ...e, in: 'query' as const })));
  return {
    kind,
    mapping,
    values,
    presets: presetColumns,
    ignoreUnknownColumns: query.ignoreUnknownColumns === 'true',
    delimiter: query.delimiter === undefined ? undefined : DELIMITER_NAMES[query.delimiter],
    defaultCountry,
    // Another system's export is taken as it is: its bad cells are reported, not its rows refused.
    onInvalidCell: query.onInvalidCell ?? (query.preset !== undefined ? 'skip' : undefined),
    dateOrder: query.dateOrder,
    rowsWhere,
    format,
    createdBy: caller.sub,
    correlationId: currentCorrelation()?.correlationId ?? randomUUID(),
  };
}

/** `rowsWhere[companies]=Is a Company`: a kind of the service other than the import's, and a header. */
function rowsWhereOf(rowsWhere: Record<string, string>, kind: string, kinds: ImportKinds): { kind: string; header: string } {
  const [[other, header]] = Object.entries(rowsWhere);
  if (!kinds.has(other) || other === kind) {
    const others = kinds.names.filter((name) => name !== kind);
    throw new RequestValidationError([
      {
        field: `rowsWhere[${other}]`,
        messages: [`names no other kind of this import; use ${others.map((name) => `rowsWhere[${name}]`).join(' or ')}`],
        in: 'query',
      },
    ]);
  }
  return { kind: other, header: header.trim() };
}

/** The body as the document shows it, per media type; a fuzzer's positive case sends the example file. */
function uploadBody(example: string): RequestBodyObject {
  const file = {
    type: 'string',
    example,
    [OPENAPI_RULE_EXTENSION]: 'a header row naming fields of the kind, then at least one row',
  } as SchemaObject;
  return {
    required: true,
    description:
      'A header row naming fields of the `kind` (or mapped to them with `mapping`), then a row per item; in a form, the ' +
      'file part (any field name); in a workbook, the first worksheet.',
    content: {
      'text/csv': { schema: file },
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['file'],
          additionalProperties: false,
          properties: { file: { ...file, format: 'binary', description: 'The file (any part name is read; no other part).' } },
        } as SchemaObject,
      },
      [XLSX_MEDIA_TYPE]: { schema: { ...file, format: 'binary' } as SchemaObject },
    },
  };
}

/**
 * A query parameter that is an object: as qs reads `name[key]=…`, or as JSON text; refused with `form` (how to write
 * it) when it is neither, or breaks `valid`.
 */
function objectParameter<T>(
  value: string | T | undefined,
  name: string,
  valid: (parsed: unknown) => boolean,
  form: string,
): T | undefined {
  if (value === undefined || typeof value !== 'string') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!valid(parsed) || typeof parsed === 'string') {
    throw new RequestValidationError([{ field: name, messages: [form], in: 'query' }]);
  }
  return parsed as T;
}

/** `mapping` as sent: a qs object (`mapping[Header]=field`) or JSON text. */
const parseMapping = (mapping: string | Record<string, string> | undefined): ColumnMapping =>
  objectParameter<ColumnMapping>(
    mapping,
    'mapping',
    isMapping,
    'must be a JSON object of column header to field name, or mapping[Header]=field',
  ) ?? {};

/**
 * `values[field][cell]=value` read again from the URL with numbers kept as keys: the query parser makes
 * `values[size][1]=1-10` an array, which loses the cell it maps.
 */
function valuesAsSent(request: Request): Record<string, Record<string, string>> | undefined {
  const query = request.originalUrl.split('?')[1] ?? '';
  return (parseQuery(query, { parseArrays: false }) as { values?: Record<string, Record<string, string>> }).values;
}

/** `values` as sent: a qs object (`values[field][cell]=value`) or JSON text. */
const parseValueMappings = (values: string | Record<string, Record<string, string>> | undefined): ValueMappings =>
  objectParameter<ValueMappings>(
    values,
    'values',
    isValueMappings,
    'must be a JSON object of field to {cell: value}, or values[field][cell]=value',
  ) ?? {};
