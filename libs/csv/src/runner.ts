import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { problemType, runWithCorrelation, type ProblemDescriptor } from '@crm/platform';
import { valuesByField, type Column, type RowsWhere } from './columns';
import { csvRecords } from './csv-file';
import { NO_COUNTS, type ImportCounts, type ImportJob, type ImportJobStore, type RowError } from './job-store';
import { InvalidRowError, withColumns, type ImportedRow, type RowFieldError, type RowImporter, type RowOutcome } from './rows';

/** Bad rows kept per job, and rows with warnings; the counts stay exact past it. */
export const MAX_KEPT_ROW_ERRORS = 10_000;
const FLUSH_EVERY_MS = 500;

/** What an error means as an HTTP problem (the service's registry first), and whether it is the client's fault. */
export type ProblemOf = (error: unknown) => { problem: ProblemDescriptor; unexpected: boolean };

export interface RunOptions {
  /** Rows written at once. */
  concurrency: number;
  /** Stops dispatching rows when it turns true (shutdown); the job then fails with a reason. */
  stopping: () => boolean;
}

/** A bad row as a job keeps it: its number and the API's problem, each error named by the file's column. */
export function rowError(row: number, problem: ProblemDescriptor, columns: readonly Column[]): RowError {
  return {
    row,
    severity: 'error',
    type: problemType(problem.type),
    title: problem.title,
    ...(problem.detail !== undefined && { detail: problem.detail }),
    ...(problem.errors && { errors: withColumns(problem.errors as RowFieldError[], columns) }),
  };
}

/**
 * Imports one spooled file: rows streamed from disk, at most `concurrency` at a time, rows with a shared
 * key (the same person twice) one after the other. A row the API would refuse (a 4xx problem) is kept as a
 * bad row and the others go on; anything else (a 5xx: the store is down, a bug) stops the job, which then
 * fails. A row may land with warnings (cells left out): kept like bad rows. Progress and bad rows are saved every
 * half second.
 */
export async function runImport(
  job: ImportJob,
  spoolPath: string,
  /** The job's kind's, and that of its `rowsWhere` rows when it has some. */
  importers: Readonly<Record<string, RowImporter>>,
  deps: { store: ImportJobStore; logger: Logger; correlationId: string; problemOf: ProblemOf },
  options: RunOptions,
): Promise<void> {
  const { store, logger } = deps;
  const counts: ImportCounts = { ...NO_COUNTS };
  const pendingErrors: RowError[] = [];
  let kept = 0;
  let keptWarnings = 0;
  let failure: string | undefined;
  let interrupted = false;
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    const errors = pendingErrors.splice(0);
    const snapshot = { ...counts };
    // One failed save does not stop the next ones (each carries all the counts).
    flushing = flushing.catch(() => undefined).then(() => store.progress(job.jobId, snapshot, errors));
    return flushing;
  };
  const timer = setInterval(
    () => void flush().catch((error) => logger.warn({ err: error }, 'could not save import progress')),
    FLUSH_EVERY_MS,
  );
  timer.unref();

  const inFlight = new Set<Promise<void>>();
  const lastOfKey = new Map<string, Promise<void>>();

  const importRow = async (
    row: number,
    write: () => Promise<RowOutcome | ImportedRow>,
    after: Promise<void>[],
    columns: readonly Column[],
  ) => {
    await Promise.all(after);
    try {
      const imported = await write();
      const { outcome, warnings } = typeof imported === 'string' ? { outcome: imported, warnings: [] } : imported;
      counts[outcome]++;
      if (warnings.length > 0) {
        counts.warnings++;
        if (keptWarnings++ < MAX_KEPT_ROW_ERRORS) {
          pendingErrors.push({
            row,
            severity: 'warning',
            type: problemType('import-warnings'),
            title: 'The row was imported with warnings',
            errors: withColumns(warnings, columns),
          });
        }
      }
    } catch (error) {
      const { problem, unexpected } = deps.problemOf(error);
      if (unexpected) {
        logger.error({ err: error, jobId: job.jobId, row }, 'import stopped by an unexpected error');
        failure ??= `Row ${row} failed unexpectedly (${problem.title}); the rows before it are imported. Import the file again once fixed: rows already imported are updated, not duplicated.`;
        return;
      }
      counts.failed++;
      if (kept++ < MAX_KEPT_ROW_ERRORS) pendingErrors.push(rowError(row, problem, columns));
    } finally {
      counts.rowsRead++;
    }
  };

  try {
    await store.start(job.jobId);
    await runWithCorrelation({ correlationId: deps.correlationId, actor: job.createdBy }, async () => {
      let pass: ImportPass | undefined;
      for await (const { cells, bytes, line, ...record } of passRecords(spoolPath, job)) {
        // The rows of a pass are all written before the next begins (a person after their company).
        if (record.pass !== pass) await Promise.all(inFlight);
        pass = record.pass;
        while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
        interrupted = options.stopping();
        if (failure || interrupted) break;
        counts.bytesProcessed = bytes;
        const values = valuesByField(pass.columns, cells);
        const importer = importers[pass.kind];
        const keys = importer.keysOf(values);
        const after = keys.flatMap((key) => lastOfKey.get(key) ?? []);
        const write = record.unreadable
          ? () => Promise.reject(unreadableRowsWhere(job.rowsWhere!))
          : () => importer.importRow(values);
        const task = importRow(line, write, after, pass.columns);
        inFlight.add(task);
        for (const key of keys) lastOfKey.set(key, task);
        void task.finally(() => {
          inFlight.delete(task);
          for (const key of keys) if (lastOfKey.get(key) === task) lastOfKey.delete(key);
        });
      }
      await Promise.all(inFlight);
    });
    if (!failure && interrupted)
      failure =
        'The service stopped during the import. Import the file again: rows already imported are updated, not duplicated.';
    if (!failure) counts.bytesProcessed = job.bytesTotal;
  } catch (error) {
    logger.error({ err: error, jobId: job.jobId }, 'import failed');
    failure ??=
      'The import failed unexpectedly; see the service logs. Import the file again: rows already imported are updated, not duplicated.';
    await Promise.allSettled(inFlight);
  } finally {
    clearInterval(timer);
    await rm(spoolPath, { force: true });
  }
  await flush();
  await store.finish(job.jobId, failure ? 'failed' : 'completed', failure);
}

/** The rows of one kind, read by its columns; with rows of two kinds, those whose split cell is `rowsWhere`. */
export interface ImportPass {
  kind: string;
  columns: Column[];
  rowsWhere?: boolean;
}

/**
 * The passes over a job's file: one for its kind, or, when it holds rows of a second kind, first those rows, then the
 * others (a person listed before their company still finds it).
 */
export function importPasses(job: Pick<ImportJob, 'kind' | 'columns' | 'rowsWhere'>): ImportPass[] {
  if (!job.rowsWhere) return [{ kind: job.kind, columns: job.columns }];
  return [
    { kind: job.rowsWhere.kind, columns: job.rowsWhere.columns, rowsWhere: true },
    { kind: job.kind, columns: job.columns, rowsWhere: false },
  ];
}

/**
 * The file's rows pass by pass, each with its pass; a row whose split cell is unreadable comes in the last pass, to
 * fail there. `bytes` spreads the passes over the file's size (progress goes from 0 to the size once).
 */
async function* passRecords(path: string, job: ImportJob) {
  const passes = importPasses(job);
  for (const [index, pass] of passes.entries()) {
    let header = true;
    for await (const { cells, bytes, line } of csvRecords(path, job.delimiter)) {
      if (header) {
        header = false;
        continue;
      }
      const of = job.rowsWhere && readRowsWhere(job.rowsWhere, cells);
      const unreadable = of === 'unreadable';
      if (unreadable ? index < passes.length - 1 : of !== pass.rowsWhere) continue;
      yield { cells, line, pass, unreadable, bytes: Math.round((index * job.bytesTotal + bytes) / passes.length) };
    }
  }
}

const TRUE_CELLS = new Set(['true', '1', 'yes', 'y', 'x', 'wahr', 'ja', 'vrai', 'oui']);
const FALSE_CELLS = new Set(['false', '0', 'no', 'n', '', 'falsch', 'nein', 'faux', 'non']);

/** Whether a row is of the `rowsWhere` kind: its cell true or false in a few common spellings, blank false. */
export function readRowsWhere(rowsWhere: RowsWhere, cells: readonly string[]): boolean | 'unreadable' {
  const cell = (cells[rowsWhere.position - 1] ?? '').trim().toLowerCase();
  return TRUE_CELLS.has(cell) ? true : FALSE_CELLS.has(cell) ? false : 'unreadable';
}

export const unreadableRowsWhere = (rowsWhere: RowsWhere): InvalidRowError =>
  new InvalidRowError([
    {
      field: `rowsWhere[${rowsWhere.kind}]`,
      column: rowsWhere.header,
      messages: [`must be true or false (True, False, 1, 0, yes, no, or blank) to tell whether the row is of ${rowsWhere.kind}`],
    },
  ]);
