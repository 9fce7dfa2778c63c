import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { newId } from '@crm/eventsourcing';
import type { Column, ColumnMapping, ImportKinds, PresetColumns, ValueMappings } from './columns';
import type { ImportSettings } from './config';
import { checkCsvFile, detectDelimiter, type CsvDelimiter } from './csv-file';
import { withDateOrders } from './date-columns';
import type { DateOrder } from './dates';
import type { ImportJob, ImportJobStore } from './job-store';
import { previewFile, type ImportPreview } from './preview';
import { ImportColumnsError, ImportsBusyError } from './problems';
import type { OnInvalidCell, RowImporter } from './rows';
import { importPasses, runImport, type ProblemOf } from './runner';
import { spoolUpload, type UploadFormat } from './upload';

/** How often a process says it still runs its jobs, and after how long without that a job counts as abandoned. */
const HEARTBEAT_MS = 10_000;
export const ABANDONED_AFTER_MS = 60_000;
const SWEEP_MS = 30_000;
/** Uploads received or queued at once per instance: each holds a file of up to the size limit on local disk. */
export const MAX_WAITING_IMPORTS = 10;
/** Finished jobs and their bad rows are deleted after this long. */
const KEEP_FINISHED_MS = 30 * 24 * 3_600_000;

export const ABANDONED_REASON =
  'The service instance running this import stopped before it finished. Import the file again: rows already imported are updated, not duplicated.';

export interface ImportRequest {
  kind: string;
  mapping: ColumnMapping;
  ignoreUnknownColumns: boolean;
  /** The client's value mappings, by field; kept on the columns that fill those fields. */
  values?: ValueMappings;
  /** What the chosen preset says of each kind's columns; the client's mapping and values win over it. */
  presets?: Readonly<Partial<Record<string, PresetColumns>>>;
  /** Detected from the file when not given (detectDelimiter). */
  delimiter?: CsvDelimiter;
  /** ISO 3166-1 alpha-2 (see ImportOptions). */
  defaultCountry?: string;
  /** How the body is sent (uploadFormatOf its Content-Type); a CSV in UTF-8 or a detected charset when not given. */
  format?: UploadFormat;
  /** `strict` unless given (see ImportOptions). */
  onInvalidCell?: OnInvalidCell;
  /** The order of day and month in every date column; when not given, each column's values tell it (withDateOrders). */
  dateOrder?: DateOrder;
  /** The file also holds rows of this kind: those whose cell in the column with this header is true. */
  rowsWhere?: { kind: string; header: string };
  createdBy: string;
  correlationId: string;
}

/** What a queue works with: the service's kinds and a row importer per job, its limits, the job store. */
export interface ImportQueueDeps {
  readonly store: ImportJobStore;
  readonly kinds: ImportKinds;
  /** A fresh row importer for one job of this kind. */
  readonly importerFor: (kind: string) => Promise<RowImporter>;
  readonly settings: ImportSettings;
  readonly logger: Logger;
  readonly problemOf: ProblemOf;
}

/**
 * Takes uploads and runs their imports, one job at a time per process, in the order they came. An upload
 * is checked as a whole (size, CSV, header) before its job exists, so a refused file writes nothing. A job
 * lives in PostgreSQL; the file waits on local disk. A process that dies leaves its jobs unfinished: any
 * instance fails them once their heartbeat is a minute old (the file is gone with the process; importing
 * it again is safe). `start()` before the first upload, `stop()` on shutdown.
 */
export class ImportQueue {
  readonly store: ImportJobStore;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly spoolDir: string;
  private readonly logger: Logger;
  private readonly queue: { job: ImportJob; spoolPath: string; correlationId: string }[] = [];
  private running: Promise<void> | undefined;
  /** The job being imported now, if any. */
  private current: string | undefined;
  private receiving = 0;
  private stopping = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: ImportQueueDeps) {
    this.store = deps.store;
    this.spoolDir = deps.settings.spoolDir;
    this.logger = deps.logger;
  }

  async start(): Promise<void> {
    await mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
    await this.sweep();
    const every = (ms: number, work: () => Promise<unknown>, what: string) => {
      const timer = setInterval(() => void work().catch((error) => this.logger.warn({ err: error }, what)), ms);
      timer.unref();
      this.timers.push(timer);
    };
    // By job, not by owner: a job whose end could not be recorded stops being held, and is swept.
    every(
      HEARTBEAT_MS,
      () => this.store.heartbeat([...(this.current ? [this.current] : []), ...this.queue.map(({ job }) => job.jobId)]),
      'could not record the import heartbeat',
    );
    every(SWEEP_MS, () => this.sweep(), 'could not sweep abandoned imports');
  }

  /** Receives the CSV, checks it, and queues its job; throws a 4xx problem (nothing written) when it cannot be imported. */
  async submit(body: Readable, request: ImportRequest): Promise<ImportJob> {
    const waiting = this.receiving + this.queue.length;
    if (waiting >= MAX_WAITING_IMPORTS) throw new ImportsBusyError(waiting);
    const jobId = newId();
    const spoolPath = join(this.spoolDir, `${jobId}.csv`);
    this.receiving++;
    try {
      const { bytesTotal, delimiter } = await this.spooled(body, request, spoolPath);
      const { headers, rows } = await checkCsvFile(spoolPath, { delimiter, maxRows: this.deps.settings.maxRows });
      const resolved = this.deps.kinds.resolveImport(headers, request);
      if (!resolved.ok) throw new ImportColumnsError(resolved.errors);
      const { columns } = await this.withDateOrders(
        spoolPath,
        delimiter,
        { kind: request.kind, columns: resolved.columns },
        request,
      );
      const rowsWhere = resolved.rowsWhere && (await this.withDateOrders(spoolPath, delimiter, resolved.rowsWhere, request));
      const job = {
        jobId,
        kind: request.kind,
        createdBy: request.createdBy,
        columns,
        delimiter,
        defaultCountry: request.defaultCountry,
        onInvalidCell: request.onInvalidCell ?? 'strict',
        rowsWhere,
      };
      await this.store.insert({ ...job, bytesTotal, rowsTotal: rows }, this.owner);
      const stored = (await this.store.get(jobId))!;
      this.queue.push({ job: stored, spoolPath, correlationId: request.correlationId });
      this.running ??= this.drainQueue();
      return stored;
    } catch (error) {
      await rm(spoolPath, { force: true });
      throw error;
    } finally {
      this.receiving--;
    }
  }

  /**
   * What importing the file would do (previewFile), writing nothing: no job, no event, the spooled file deleted. Its
   * columns are shown even when they do not resolve, so that the caller can fix the mapping.
   */
  async preview(body: Readable, request: ImportRequest, rows: number): Promise<ImportPreview> {
    const waiting = this.receiving + this.queue.length;
    if (waiting >= MAX_WAITING_IMPORTS) throw new ImportsBusyError(waiting);
    const spoolPath = join(this.spoolDir, `preview-${randomUUID()}.csv`);
    this.receiving++;
    try {
      const { delimiter } = await this.spooled(body, request, spoolPath);
      return await previewFile(
        spoolPath,
        { ...request, delimiter, rows },
        {
          ...this.deps,
          maxRows: this.deps.settings.maxRows,
          withDateOrders: (kind, columns) => this.withDateOrders(spoolPath, delimiter, { kind, columns }, request),
          importersFor: (job) =>
            this.importersOf({
              ...job,
              defaultCountry: request.defaultCountry,
              onInvalidCell: request.onInvalidCell ?? 'strict',
            }),
        },
      );
    } finally {
      await rm(spoolPath, { force: true });
      this.receiving--;
    }
  }

  /** Fresh row importers for a job's kind and that of its `rowsWhere` rows, told the import's options and dates. */
  private async importersOf(
    job: Pick<ImportJob, 'kind' | 'columns' | 'rowsWhere' | 'defaultCountry' | 'onInvalidCell'>,
  ): Promise<Record<string, RowImporter>> {
    const importers: Record<string, RowImporter> = {};
    for (const { kind, columns } of importPasses(job)) {
      const importer = await this.deps.importerFor(kind);
      importer.configure?.({
        defaultCountry: job.defaultCountry,
        onInvalidCell: job.onInvalidCell,
        dateOrders: Object.fromEntries(
          columns.flatMap(({ field, dateOrder }) => (field && dateOrder ? [[field, dateOrder]] : [])),
        ),
        owners: this.deps.settings.owners,
      });
      importers[kind] = importer;
    }
    return importers;
  }

  /** A kind's columns with the day/month order of its date columns (given with the import, or told by their values). */
  /** The upload on disk as UTF-8 CSV (within the size and row limits), its size, and its delimiter, given or detected. */
  private async spooled(
    body: Readable,
    request: Pick<ImportRequest, 'format' | 'delimiter'>,
    spoolPath: string,
  ): Promise<{ bytesTotal: number; delimiter: CsvDelimiter }> {
    const { maxBytes, maxRows } = this.deps.settings;
    const bytesTotal = await spoolUpload(body, request.format ?? { type: 'csv' }, spoolPath, { maxBytes, maxRows });
    return { bytesTotal, delimiter: request.delimiter ?? (await detectDelimiter(spoolPath)) };
  }

  private async withDateOrders<T extends { kind: string; columns: Column[] }>(
    spoolPath: string,
    delimiter: CsvDelimiter,
    of: T,
    request: Pick<ImportRequest, 'dateOrder'>,
  ): Promise<T> {
    const holdsDates = (field: string) => this.deps.kinds.holdsDates(of.kind, field);
    return { ...of, columns: await withDateOrders(spoolPath, delimiter, of.columns, holdsDates, request.dateOrder) };
  }

  /** Stops taking rows: the job running fails once its rows in progress are written, and so do the queued ones. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.running;
  }

  /** Runs queued jobs one after the other until none is left (or the service stops: they then fail). */
  private async drainQueue(): Promise<void> {
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const { job, spoolPath, correlationId } = next;
        this.current = job.jobId;
        try {
          await runImport(
            job,
            spoolPath,
            await this.importersOf(job),
            { store: this.store, logger: this.logger, correlationId, problemOf: this.deps.problemOf },
            { concurrency: this.deps.settings.concurrency, stopping: () => this.stopping },
          );
        } catch (error) {
          this.logger.error({ err: error, jobId: job.jobId }, 'could not record the end of an import');
        }
      }
    } finally {
      this.current = undefined;
      this.running = undefined;
    }
  }

  /** Fails the jobs of processes gone silent (their files with them) and forgets old finished jobs; every 30 s. */
  async sweep(): Promise<void> {
    const abandoned = await this.store.failAbandoned(ABANDONED_AFTER_MS, ABANDONED_REASON);
    // Left behind by this machine's dead process, when it shared the directory.
    await Promise.all(abandoned.map((jobId) => rm(join(this.spoolDir, `${jobId}.csv`), { force: true })));
    if (abandoned.length > 0) this.logger.warn({ jobs: abandoned }, 'failed abandoned imports');
    await this.store.purgeFinished(KEEP_FINISHED_MS);
  }
}
