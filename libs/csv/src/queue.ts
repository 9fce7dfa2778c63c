import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { newId } from '@crm/eventsourcing';
import type { ColumnMapping, ImportKinds } from './columns';
import type { ImportSettings } from './config';
import { checkCsvFile, detectDelimiter, spoolBody, type CsvDelimiter } from './csv-file';
import type { ImportJob, ImportJobStore } from './job-store';
import { ImportColumnsError, ImportsBusyError } from './problems';
import type { RowImporter } from './rows';
import { runImport, type ProblemOf } from './runner';

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
  /** Detected from the file when not given (detectDelimiter). */
  delimiter?: CsvDelimiter;
  /** ISO 3166-1 alpha-2 (see ImportOptions). */
  defaultCountry?: string;
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
      const bytesTotal = await spoolBody(body, spoolPath, this.deps.settings.maxBytes);
      const delimiter = request.delimiter ?? (await detectDelimiter(spoolPath));
      const { headers, rows } = await checkCsvFile(spoolPath, { delimiter, maxRows: this.deps.settings.maxRows });
      const resolved = this.deps.kinds.resolveColumns(request.kind, headers, request.mapping, request);
      if (!resolved.ok) throw new ImportColumnsError(resolved.errors);
      const job = {
        jobId,
        kind: request.kind,
        createdBy: request.createdBy,
        columns: resolved.columns,
        delimiter,
        defaultCountry: request.defaultCountry,
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
          const importer = await this.deps.importerFor(job.kind);
          importer.configure?.({ defaultCountry: job.defaultCountry });
          await runImport(
            job,
            spoolPath,
            importer,
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
