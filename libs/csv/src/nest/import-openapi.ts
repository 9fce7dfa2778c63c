import { Type, type Static } from '@sinclair/typebox';
import { namedSchema, sameShape } from '@crm/platform/nest';
import type { ImportJobView, RowError } from '../job-store';
import type { ImportPreview } from '../preview';

// The bodies of the imports routes as OpenAPI schemas, held to the types the routes return (a drift fails to compile).

const closed = Type.Object;
const count = (description: string) => Type.Integer({ minimum: 0, description });
const time = (description: string) => Type.String({ format: 'date-time', description });

const rowFieldErrorSchema = closed(
  {
    field: Type.String({ description: 'The import field.' }),
    column: Type.Optional(Type.String({ description: "The file's header of that field." })),
    items: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), {
        description: 'Of a list cell (`a; b; c`): the positions of the items meant (from 1); absent: the whole cell.',
      }),
    ),
    messages: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
const rowErrorSchema = closed(
  {
    row: Type.Integer({ minimum: 2, description: 'The row in the file; the header is row 1.' }),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')], {
      description: '`error`: the row was not imported; `warning`: it was, without the cells named (or with a doubt).',
    }),
    type: Type.String({ description: 'The problem type, as the API would answer for the row.' }),
    title: Type.String(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(rowFieldErrorSchema)),
  },
  { additionalProperties: false },
);
sameShape<Static<typeof rowErrorSchema>, RowError>(true);

const fieldErrorSchema = closed(
  {
    field: Type.String(),
    messages: Type.Array(Type.String()),
    in: Type.Optional(Type.Union([Type.Literal('body'), Type.Literal('query')])),
  },
  { additionalProperties: false },
);
const dateOrderSchema = Type.Union([Type.Literal('dmy'), Type.Literal('mdy'), Type.Literal('ymd')], {
  description: 'Of a date column: the order its dates are read in, given (dateOrder) or told by its values.',
});
const rowKind = Type.Optional(Type.String({ description: 'With rows of two kinds: the kind of the row.' }));
const previewColumnSchema = closed(
  {
    position: Type.Integer({ minimum: 1, description: 'The column, counted from 1.' }),
    header: Type.String(),
    field: Type.Optional(Type.String({ description: 'Absent: the column fills nothing.' })),
    confidence: Type.Union(
      [Type.Literal('exact'), Type.Literal('mapped'), Type.Literal('alias'), Type.Literal('resemblance'), Type.Literal('none')],
      {
        description:
          "How the field was found: the header is its name (`exact`), the request's mapping (`mapped`), a header other tools write for it (`alias`), a header only alike (`resemblance`), or it fills nothing (`none`).",
      },
    ),
    samples: Type.Array(Type.String(), { description: 'The first non-blank cells (up to 3 of the first 100 rows).' }),
    dateOrder: Type.Optional(dateOrderSchema),
  },
  { additionalProperties: false },
);
const importPreviewSchema = closed(
  {
    kind: Type.String(),
    delimiter: Type.Union([Type.Literal(','), Type.Literal(';'), Type.Literal('\t')], { description: 'As given or detected.' }),
    rowsTotal: count('Rows in the file, the header not counted.'),
    columns: Type.Array(previewColumnSchema),
    rowsWhere: Type.Optional(
      closed(
        {
          kind: Type.String(),
          header: Type.String(),
          position: Type.Integer({ minimum: 1 }),
          columns: Type.Array(previewColumnSchema, { description: "The file's columns as that kind reads them." }),
        },
        { additionalProperties: false, description: 'Rows of a second kind in the file (`rowsWhere`).' },
      ),
    ),
    columnErrors: Type.Array(fieldErrorSchema, {
      description: 'Why the import would refuse the columns (its 400); empty when they resolve. No row outcomes then.',
    }),
    valueMappings: Type.Unsafe<Record<string, Record<string, string>>>({
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
      description: 'Cell values read as others, by field: `{"lifecycleStage": {"Marketing Qualified Lead": "lead"}}`.',
    }),
    rows: Type.Array(
      Type.Union([
        closed(
          {
            row: Type.Integer({ minimum: 2, description: 'The row in the file; the header is row 1.' }),
            outcome: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('unchanged')]),
            targetId: Type.Optional(Type.String({ description: 'What an update would change (or leave unchanged).' })),
            warnings: Type.Optional(
              Type.Array(rowFieldErrorSchema, { description: 'What the import would warn of (onInvalidCell=skip...).' }),
            ),
            kind: rowKind,
          },
          { additionalProperties: false },
        ),
        Type.Composite([closed({ outcome: Type.Literal('failed'), kind: rowKind }), rowErrorSchema], {
          additionalProperties: false,
        }),
      ]),
      { description: "The first rows' outcomes, as the import would count them." },
    ),
  },
  { additionalProperties: false },
);
sameShape<Static<typeof importPreviewSchema>, ImportPreview>(true);

const columnSchema = closed(
  {
    position: Type.Integer({ minimum: 1, description: 'Where the column is, counted from 1: what `mapping[#7]` names.' }),
    header: Type.String(),
    field: Type.Optional(Type.String({ description: 'Absent: ignored.' })),
    // Not Type.Record: its patternProperties is no OpenAPI 3.0 keyword.
    values: Type.Optional(
      Type.Unsafe<Record<string, string>>({
        type: 'object',
        additionalProperties: { type: 'string' },
        description: "The column's value mapping (the preset's and the import's): cell → value.",
      }),
    ),
    dateOrder: Type.Optional(dateOrderSchema),
  },
  { additionalProperties: false },
);
const jobFields = {
  jobId: Type.String({ format: 'uuid' }),
  kind: Type.String({ description: 'What the rows are: `contacts`, `companies`.' }),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  createdBy: Type.String({ description: 'Who imported it.' }),
  columns: Type.Array(columnSchema),
  defaultCountry: Type.Optional(
    Type.String({ pattern: '^[A-Z]{2}$', description: 'The country of rows that name none, as the import gave it.' }),
  ),
  onInvalidCell: Type.Union([Type.Literal('strict'), Type.Literal('skip')], {
    description: 'Whether a bad cell fails its row (`strict`) or is left out with a warning (`skip`).',
  }),
  rowsWhere: Type.Optional(
    closed(
      {
        kind: Type.String({ description: 'The kind of these rows, imported in a pass before the others.' }),
        header: Type.String({ description: 'The column that tells them: rows whose cell is true.' }),
        position: Type.Integer({ minimum: 1, description: 'That column, counted from 1.' }),
        columns: Type.Array(columnSchema, { description: "The file's columns as that kind reads them." }),
      },
      { additionalProperties: false, description: 'Rows of a second kind in the file (`rowsWhere[<kind>]=<column>`).' },
    ),
  ),
  bytesTotal: count('Size of the file as imported: UTF-8 CSV (a workbook as its converted sheet).'),
  bytesProcessed: count('Bytes read so far: for a progress bar.'),
  rowsTotal: count('Rows in the file, the header not counted.'),
  rowsRead: count('Rows read so far.'),
  created: count('Rows that created something.'),
  updated: count('Rows that changed something.'),
  unchanged: count('Rows that changed nothing.'),
  failed: count('Rows not imported.'),
  warnings: count('Rows imported with warnings (counted in created, updated or unchanged too).'),
  failureReason: Type.Optional(Type.String({ description: 'Why a failed import stopped.' })),
  createdAt: time('When it was submitted.'),
  startedAt: Type.Optional(time('When its rows began to be imported.')),
  finishedAt: Type.Optional(time('When it completed or failed.')),
  badRowsUrl: Type.String({ description: 'Every bad row and row with warnings, as CSV or JSON.' }),
};
const importJobSchema = closed(
  {
    ...jobFields,
    badRows: Type.Array(rowErrorSchema, { description: 'The first bad rows (up to 100).' }),
    warningRows: Type.Array(rowErrorSchema, { description: 'The first rows imported with warnings (up to 100).' }),
  },
  { additionalProperties: false },
);
sameShape<Static<typeof importJobSchema>, ImportJobView>(true);
const importJobSummarySchema = closed(jobFields, { additionalProperties: false });
sameShape<Static<typeof importJobSummarySchema>, Omit<ImportJobView, 'badRows' | 'warningRows'>>(true);

export const importJob = namedSchema('ImportJob', importJobSchema);
export const importJobList = {
  type: 'object',
  required: ['items'],
  additionalProperties: false,
  properties: { items: { type: 'array', items: namedSchema('ImportJobSummary', importJobSummarySchema) } },
};
export const importPreview = namedSchema('ImportPreview', importPreviewSchema);
export const rowErrors = { type: 'array', items: namedSchema('ImportRowError', rowErrorSchema) };
