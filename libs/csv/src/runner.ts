import { rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import { problemType, runWithCorrelation, type ProblemDescriptor } from '@crm/platform';
import { valuesByField } from './columns';
import { csvRecords } from './csv-file';
import { NO_COUNTS, type ImportCounts, type ImportJob, type ImportJobStore, type RowError } from './job-store';
import { withColumns, type RowFieldError, type RowImporter, type RowValues } from './rows';

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
  importer: RowImporter,
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

  const importRow = async (row: number, values: RowValues, after: Promise<void>[]) => {
    await Promise.all(after);
    try {
      const imported = await importer.importRow(values);
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
            errors: withColumns(warnings, job.columns),
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
      if (kept++ < MAX_KEPT_ROW_ERRORS) {
        pendingErrors.push({
          row,
          severity: 'error',
          type: problemType(problem.type),
          title: problem.title,
          ...(problem.detail !== undefined && { detail: problem.detail }),
          ...(problem.errors && { errors: withColumns(problem.errors as RowFieldError[], job.columns) }),
        });
      }
    } finally {
      counts.rowsRead++;
    }
  };

  try {
    await store.start(job.jobId);
    await runWithCorrelation({ correlationId: deps.correlationId, actor: job.createdBy }, async () => {
      let header = true;
      for await (const { cells, bytes, line } of csvRecords(spoolPath, job.delimiter)) {
        if (header) {
          header = false;
          continue;
        }
        while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
        interrupted = options.stopping();
        if (failure || interrupted) break;
        counts.bytesProcessed = bytes;
        const values = valuesByField(job.columns, cells);
        const keys = importer.keysOf(values);
        const after = keys.flatMap((key) => lastOfKey.get(key) ?? []);
        const task = importRow(line, values, after);
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
