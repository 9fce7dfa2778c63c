import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { newId } from '@crm/eventsourcing';
import { PLATFORM_LOGGER } from '@crm/platform/nest';
import { InjectRepository, ReadModels, type RepositoryOf } from '@crm/service-kit';
import { ContactLookup } from '../application/contact-lookup';
import { companyAggregate } from '../domain/company';
import { customFieldsAggregate } from '../domain/custom-fields';
import { CompanyRowImporter } from './company-row-importer';
import { ContactRowImporter } from './contact-row-importer';
import { checkCsvFile, spoolBody, type CsvDelimiter } from './csv-file';
import type { ImportsConfig } from './import-config';
import { resolveColumns, type ColumnMapping, type ImportKind } from './import-columns';
import type { ImportJob, ImportJobStore } from './import-job-store';
import { ImportColumnsError, ImportsBusyError } from './import-problems';
import { runImport } from './import-runner';

export const IMPORT_JOB_STORE = Symbol('IMPORT_JOB_STORE');
export const IMPORT_POOL = Symbol('IMPORT_POOL');
export const IMPORTS_CONFIG = Symbol('IMPORTS_CONFIG');

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
  kind: ImportKind;
  mapping: ColumnMapping;
  ignoreUnknownColumns: boolean;
  delimiter: CsvDelimiter;
  createdBy: string;
  correlationId: string;
}

/**
 * Takes uploads and runs their imports, one job at a time per process, in the order they came. An upload
 * is checked as a whole (size, CSV, header) before its job exists, so a refused file writes nothing. A job
 * lives in PostgreSQL; the file waits on local disk. A process that dies leaves its jobs unfinished: any
 * instance fails them once their heartbeat is a minute old (the file is gone with the process; importing
 * it again is safe).
 */
@Injectable()
export class ImportJobs implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly spoolDir: string;
  private readonly queue: { job: ImportJob; spoolPath: string; correlationId: string }[] = [];
  private running: Promise<void> | undefined;
  /** The job being imported now, if any. */
  private current: string | undefined;
  private receiving = 0;
  private stopping = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(IMPORT_JOB_STORE) readonly store: ImportJobStore,
    @Inject(IMPORT_POOL) private readonly pool: Pool,
    @Inject(IMPORTS_CONFIG) private readonly config: ImportsConfig,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ContactLookup) private readonly lookup: ContactLookup,
    @InjectRepository(companyAggregate) private readonly companies: RepositoryOf<typeof companyAggregate>,
    @InjectRepository(customFieldsAggregate) private readonly customFields: RepositoryOf<typeof customFieldsAggregate>,
    @Inject(ReadModels) private readonly readModels: ReadModels,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    this.spoolDir = config.CONTACTS_IMPORT_SPOOL_DIR ?? join(tmpdir(), 'crm-contacts-imports');
  }

  async onModuleInit(): Promise<void> {
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
      const bytesTotal = await spoolBody(body, spoolPath, this.config.CONTACTS_IMPORT_MAX_BYTES);
      const { headers, rows } = await checkCsvFile(spoolPath, {
        delimiter: request.delimiter,
        maxRows: this.config.CONTACTS_IMPORT_MAX_ROWS,
      });
      const resolved = resolveColumns(request.kind, headers, request.mapping, request);
      if (!resolved.ok) throw new ImportColumnsError(resolved.errors);
      const job = {
        jobId,
        kind: request.kind,
        createdBy: request.createdBy,
        columns: resolved.columns,
        delimiter: request.delimiter,
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

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  /** Runs queued jobs one after the other until none is left (or the service stops: they then fail). */
  private async drainQueue(): Promise<void> {
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        const { job, spoolPath, correlationId } = next;
        this.current = job.jobId;
        const importer =
          job.kind === 'contacts'
            ? new ContactRowImporter(this.commands, this.lookup, this.companies, this.customFields, this.readModels)
            : new CompanyRowImporter(this.commands, this.companies, this.readModels);
        try {
          await runImport(
            job,
            spoolPath,
            importer,
            { store: this.store, logger: this.logger, correlationId },
            { concurrency: this.config.CONTACTS_IMPORT_CONCURRENCY, stopping: () => this.stopping },
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
