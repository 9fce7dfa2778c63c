import { unescapeCell } from './cells';
import { valuesByField, type Column, type ColumnConfidence, type ColumnMapping, type ImportKinds } from './columns';
import { checkCsvFile, csvRecords, type CsvDelimiter } from './csv-file';
import type { RowError } from './job-store';
import type { RowImporter, RowOutcome, RowValues } from './rows';
import { rowError, type ProblemOf } from './runner';

/** Rows whose outcome a preview shows unless told otherwise, and at most. */
export const PREVIEW_ROWS = 20;
export const MAX_PREVIEW_ROWS = 100;
/** Non-blank cells shown per column, taken from this many first rows, each cut to so many characters. */
const SAMPLES = 3;
const SAMPLE_ROWS = 100;
const SAMPLE_CHARACTERS = 100;

/** A column as a preview shows it: where it is, what it fills and how surely, and its first values. */
export interface PreviewColumn {
  /** 1-based, as a spreadsheet counts. */
  position: number;
  header: string;
  field?: string;
  confidence: ColumnConfidence;
  samples: string[];
}

/** Values of a field read as others (`Marketing Qualified Lead` → `lead`), by field. */
export type ValueMappings = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** What one row would do: an outcome as the job would count it, the record it would touch, or why it would fail. */
export type PreviewRow = { row: number; outcome: RowOutcome; targetId?: string } | ({ outcome: 'failed' } & RowError);

export interface ImportPreview {
  kind: string;
  delimiter: CsvDelimiter;
  rowsTotal: number;
  columns: PreviewColumn[];
  /** Why the import would refuse the file's columns (what `POST /v1/imports` answers 400 with); no row outcomes then. */
  columnErrors: { field: string; messages: string[]; in?: 'body' | 'query' }[];
  valueMappings: ValueMappings;
  /** The first rows' outcomes, in file order. */
  rows: PreviewRow[];
}

export interface PreviewRequest {
  kind: string;
  mapping: ColumnMapping;
  ignoreUnknownColumns: boolean;
  delimiter: CsvDelimiter;
  /** Rows whose outcome is shown. */
  rows: number;
}

/**
 * What importing a spooled file would do, writing nothing: the columns as the import resolves them (with samples and
 * confidence, also when they do not resolve), and the first rows planned one after the other by the importer's
 * `planRow`. A row that would fail shows its reasons; an unexpected error (the store is down) is thrown.
 */
export async function previewFile(
  spoolPath: string,
  request: PreviewRequest,
  deps: { kinds: ImportKinds; importer: RowImporter; problemOf: ProblemOf; maxRows: number },
): Promise<ImportPreview> {
  const { headers, rows: rowsTotal } = await checkCsvFile(spoolPath, { delimiter: request.delimiter, maxRows: deps.maxRows });
  const resolved = deps.kinds.resolveColumns(request.kind, headers, request.mapping, request);
  const firstRows = await leadingRecords(spoolPath, request.delimiter, Math.max(SAMPLE_ROWS, request.rows) + 1);
  const columns = resolved.columns.map((column, index): PreviewColumn => ({
    position: index + 1,
    ...column,
    confidence: deps.kinds.confidenceOf(request.kind, column, request.mapping),
    samples: samplesOf(firstRows.slice(0, SAMPLE_ROWS), index),
  }));
  const rows: PreviewRow[] = [];
  if (resolved.ok && deps.importer.planRow) {
    for (const { cells, line } of firstRows.slice(0, request.rows)) {
      rows.push(await planned(line, valuesByField(resolved.columns, cells), resolved.columns, deps));
    }
  }
  return {
    kind: request.kind,
    delimiter: request.delimiter,
    rowsTotal,
    columns,
    columnErrors: resolved.ok ? [] : resolved.errors.map((error) => ({ ...error, messages: [...error.messages] })),
    valueMappings: {},
    rows,
  };
}

async function planned(
  row: number,
  values: RowValues,
  columns: readonly Column[],
  { importer, problemOf }: { importer: RowImporter; problemOf: ProblemOf },
): Promise<PreviewRow> {
  try {
    return { row, ...(await importer.planRow!(values)) };
  } catch (error) {
    const { problem, unexpected } = problemOf(error);
    if (unexpected) throw error;
    return { outcome: 'failed', ...rowError(row, problem, columns) };
  }
}

/** The file's first records (the header first), with their line numbers; the header left out. */
async function leadingRecords(path: string, delimiter: CsvDelimiter, count: number) {
  const records: { cells: string[]; line: number }[] = [];
  for await (const { cells, line } of csvRecords(path, delimiter)) {
    if (records.length === count) break;
    records.push({ cells, line });
  }
  return records.slice(1);
}

/** The column's first non-blank cells, as the import reads them. */
export function samplesOf(rows: readonly { cells: readonly string[] }[], index: number): string[] {
  const samples: string[] = [];
  for (const { cells } of rows) {
    const cell = (cells[index] ?? '').trim();
    if (cell !== '') samples.push(unescapeCell(cell).slice(0, SAMPLE_CHARACTERS));
    if (samples.length === SAMPLES) break;
  }
  return samples;
}
