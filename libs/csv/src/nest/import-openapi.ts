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
    type: Type.String({ description: 'The problem type, as the API would answer for the row.' }),
    title: Type.String(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        closed(
          {
            field: Type.String({ description: 'The import field.' }),
            column: Type.Optional(Type.String({ description: "The file's header of that field." })),
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
      { header: Type.String(), field: Type.Optional(Type.String({ description: 'Absent: ignored.' })) },
      { additionalProperties: false },
    ),
  ),
  defaultCountry: Type.Optional(
    Type.String({ pattern: '^[A-Z]{2}$', description: 'The country of rows that name none, as the import gave it.' }),
  ),
  bytesTotal: count('Size of the file.'),
  bytesProcessed: count('Bytes read so far: for a progress bar.'),
  rowsTotal: count('Rows in the file, the header not counted.'),
  rowsRead: count('Rows read so far.'),
  created: count('Rows that created something.'),
  updated: count('Rows that changed something.'),
  unchanged: count('Rows that changed nothing.'),
  failed: count('Rows not imported.'),
  failureReason: Type.Optional(Type.String({ description: 'Why a failed import stopped.' })),
  createdAt: time('When it was submitted.'),
  startedAt: Type.Optional(time('When its rows began to be imported.')),
  finishedAt: Type.Optional(time('When it completed or failed.')),
  badRowsUrl: Type.String({ description: 'Every bad row, as CSV or JSON.' }),
};
const importJobSchema = closed(
  { ...jobFields, badRows: Type.Array(rowErrorSchema, { description: 'The first bad rows (up to 100).' }) },
  { additionalProperties: false },
);
sameShape<Static<typeof importJobSchema>, ImportJobView>(true);
const importJobSummarySchema = closed(jobFields, { additionalProperties: false });
sameShape<Static<typeof importJobSummarySchema>, Omit<ImportJobView, 'badRows'>>(true);

export const importJob = namedSchema('ImportJob', importJobSchema);
export const importJobList = {
  type: 'object',
  required: ['items'],
  additionalProperties: false,
  properties: { items: { type: 'array', items: namedSchema('ImportJobSummary', importJobSummarySchema) } },
};
export const rowErrors = { type: 'array', items: namedSchema('ImportRowError', rowErrorSchema) };
