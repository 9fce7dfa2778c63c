import { Type, type Static } from '@sinclair/typebox';
import { namedSchema, sameShape } from '@crm/platform/nest';
import type { ImportJobView, RowError } from '../job-store';

// The bodies of the imports routes as OpenAPI schemas, held to the types the routes return (a drift fails to compile).

const closed = Type.Object;
const count = (description: string) => Type.Integer({ minimum: 0, description });
const time = (description: string) => Type.String({ format: 'date-time', description });

const rowErrorSchema = closed(
  {
    row: Type.Integer({ minimum: 2, description: 'The row in the file; the header is row 1.' }),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')], {
      description: '`error`: the row was not imported; `warning`: it was, without the cells named (or with a doubt).',
    }),
    type: Type.String({ description: 'The problem type, as the API would answer for the row.' }),
    title: Type.String(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        closed(
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
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
sameShape<Static<typeof rowErrorSchema>, RowError>(true);

const jobFields = {
  jobId: Type.String({ format: 'uuid' }),
  kind: Type.String({ description: 'What the rows are: `contacts`, `companies`.' }),
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  createdBy: Type.String({ description: 'Who imported it.' }),
  columns: Type.Array(
    closed(
      {
        header: Type.String(),
        field: Type.Optional(Type.String({ description: 'Absent: ignored.' })),
        dateOrder: Type.Optional(
          Type.Union([Type.Literal('dmy'), Type.Literal('mdy'), Type.Literal('ymd')], {
            description: 'Of a date column: the order its dates are read in, given (dateOrder) or told by its values.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ),
  defaultCountry: Type.Optional(
    Type.String({ pattern: '^[A-Z]{2}$', description: 'The country of rows that name none, as the import gave it.' }),
  ),
  onInvalidCell: Type.Union([Type.Literal('strict'), Type.Literal('skip')], {
    description: 'Whether a bad cell fails its row (`strict`) or is left out with a warning (`skip`).',
  }),
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
export const rowErrors = { type: 'array', items: namedSchema('ImportRowError', rowErrorSchema) };
