import { unescapeCell } from './cells';
import {
  valuesByField,
  type Column,
  type ColumnConfidence,
  type ColumnMapping,
  type ImportKinds,
  type PresetColumns,
  type RowsWhere,
  type ValueMappings,
} from './columns';
import { checkCsvFile, csvRecords, type CsvDelimiter } from './csv-file';
import type { DateOrder } from './dates';
import type { RowError } from './job-store';
import { withColumns, type RowFieldError, type RowImporter, type RowOutcome, type RowValues } from './rows';
import { importPasses, readRowsWhere, rowError, unreadableRowsWhere, type ProblemOf } from './runner';

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
  /** Of a date column: the order its dates would be read in. */
  dateOrder?: DateOrder;
}

/** What one row would do: an outcome as the job would count it, the record it would touch, or why it would fail. */
export type PreviewRow = (
  { row: number; outcome: RowOutcome; targetId?: string; warnings?: RowFieldError[] } | ({ outcome: 'failed' } & RowError)
) & {
  /** With rows of two kinds: the row's. */
  kind?: string;
};

export interface ImportPreview {
  kind: string;
  delimiter: CsvDelimiter;
  rowsTotal: number;
  columns: PreviewColumn[];
  /** Rows of a second kind in the file (`rowsWhere`): the column that tells them, and the columns as that kind reads them. */
  rowsWhere?: Omit<RowsWhere, 'columns'> & { columns: PreviewColumn[] };
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
  rowsWhere?: { kind: string; header: string };
  values?: ValueMappings;
  /** What the chosen preset says of each kind's columns. */
  presets?: Readonly<Partial<Record<string, PresetColumns>>>;
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
  deps: {
    kinds: ImportKinds;
    problemOf: ProblemOf;
    maxRows: number;
    /** A kind's columns with the day/month order of their dates, as the import reads them. */
    withDateOrders: (kind: string, columns: Column[]) => Promise<{ kind: string; columns: Column[] }>;
    /** The row importers of an import with these columns, told its options (as the job's would be). */
    importersFor: (job: { kind: string; columns: Column[]; rowsWhere?: RowsWhere }) => Promise<Record<string, RowImporter>>;
  },
): Promise<ImportPreview> {
  const { kinds } = deps;
  const { headers, rows: rowsTotal } = await checkCsvFile(spoolPath, { delimiter: request.delimiter, maxRows: deps.maxRows });
  const resolved = kinds.resolveImport(headers, request);
  const { columns } = await deps.withDateOrders(request.kind, resolved.columns);
  const rowsWhere = resolved.rowsWhere && {
    ...resolved.rowsWhere,
    columns: (await deps.withDateOrders(resolved.rowsWhere.kind, resolved.rowsWhere.columns)).columns,
  };
  const firstRows = await leadingRecords(spoolPath, request.delimiter, Math.max(SAMPLE_ROWS, request.rows) + 1);
  const shown = (kind: string, columns: readonly Column[]) =>
    columns.map((column, index): PreviewColumn => ({
      ...column,
      confidence: kinds.confidenceOf(kind, column, kinds.mappingOf(kind, request.mapping), request.presets?.[kind]),
      samples: samplesOf(firstRows.slice(0, SAMPLE_ROWS), index),
    }));
  const rows: PreviewRow[] = [];
  if (resolved.ok) {
    const job = { kind: request.kind, columns, rowsWhere };
    const importers = await deps.importersFor(job);
    // In the import's order (rows of the second kind first), shown in the file's.
    for (const pass of importPasses(job)) {
      const importer = importers[pass.kind];
      if (!importer.planRow) continue;
      for (const { cells, line } of firstRows.slice(0, request.rows)) {
        const ofPass = rowsWhere ? readRowsWhere(rowsWhere, cells) : undefined;
        if (ofPass === 'unreadable' && pass.rowsWhere === false) {
          rows.push({ outcome: 'failed', ...rowError(line, deps.problemOf(unreadableRowsWhere(rowsWhere!)).problem, []) });
        } else if (ofPass === pass.rowsWhere) {
          const row = await planned(line, valuesByField(pass.columns, cells), pass.columns, importer, deps.problemOf);
          rows.push(rowsWhere ? { ...row, kind: pass.kind } : row);
        }
      }
    }
    rows.sort((a, b) => a.row - b.row);
  }
  return {
    kind: request.kind,
    delimiter: request.delimiter,
    rowsTotal,
    columns: shown(request.kind, columns),
    ...(rowsWhere && { rowsWhere: { ...rowsWhere, columns: shown(rowsWhere.kind, rowsWhere.columns) } }),
    columnErrors: resolved.ok ? [] : resolved.errors.map((error) => ({ ...error, messages: [...error.messages] })),
    // What each field's cells are read as: the preset's value mappings with the client's over them.
    valueMappings: Object.fromEntries(
      [...columns, ...(rowsWhere?.columns ?? [])].flatMap(({ field, values }) => (field && values ? [[field, values]] : [])),
    ),
    rows,
  };
}

async function planned(
  row: number,
  values: RowValues,
  columns: readonly Column[],
  importer: RowImporter,
  problemOf: ProblemOf,
): Promise<PreviewRow> {
  try {
    const { warnings, ...plan } = await importer.planRow!(values);
    return { row, ...plan, ...(warnings && { warnings: withColumns(warnings, columns) }) };
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
