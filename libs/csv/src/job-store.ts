import type { Pool } from 'pg';
import { PostgresTableStore } from '@crm/postgres';
import type { Column, RowsWhere } from './columns';
import type { CsvDelimiter } from './csv-file';
import type { OnInvalidCell, RowFieldError } from './rows';

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface ImportCounts {
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Rows imported with warnings (cells left out, or written with a doubt); counted in created/updated/unchanged too. */
  warnings: number;
  bytesProcessed: number;
}

/** An import as its job resource shows it. */
export interface ImportJob extends ImportCounts {
  jobId: string;
  /** One of the kinds the service declares (`contacts`). */
  kind: string;
  status: ImportStatus;
  createdBy: string;
  columns: Column[];
  delimiter: CsvDelimiter;
  /** The country of rows that name none (ISO 3166-1 alpha-2), when the import gave one. */
  defaultCountry?: string;
  /** Whether a bad cell fails its row (`strict`) or is left out with a warning (`skip`). */
  onInvalidCell: OnInvalidCell;
  /** Rows of a second kind in the file (`rowsWhere[companies]=is_company`), imported in a pass before the others. */
  rowsWhere?: RowsWhere;
  bytesTotal: number;
  rowsTotal: number;
  failureReason?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/**
 * A row that was not imported (`severity` `error`): its number in the file (the header is row 1) and the API's problem
 * for it; or a row imported with warnings (`warning`), each in `errors`.
 */
export interface RowError {
  row: number;
  severity: RowSeverity;
  type: string;
  title: string;
  detail?: string;
  errors?: RowFieldError[];
}

export type RowSeverity = 'error' | 'warning';

/** A job as its resource shows it: progress, counts, the first bad rows and the first rows with warnings. */
export type ImportJobView = Omit<ImportJob, 'delimiter'> & { badRows: RowError[]; warningRows: RowError[]; badRowsUrl: string };

export const NO_COUNTS: ImportCounts = {
  rowsRead: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  failed: 0,
  warnings: 0,
  bytesProcessed: 0,
};

interface JobRow {
  job_id: string;
  kind: string;
  status: ImportStatus;
  created_by: string;
  columns: Column[];
  delimiter: CsvDelimiter;
  default_country: string | null;
  on_invalid_cell: OnInvalidCell;
  rows_where: RowsWhere | null;
  bytes_total: string;
  bytes_processed: string;
  rows_total: number;
  rows_read: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  warnings: number;
  failure_reason: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/**
 * Import jobs in `<schema>.import_jobs` and their bad rows in `<schema>.import_job_errors`, so that a job
 * outlives the process that ran it. `heartbeat_at`, renewed while an instance holds the job (`owner` names
 * it), tells a job whose process died from one another replica is running. Rows hold no personal data:
 * counts, the header, and per bad row (or row with warnings) the field names and the rule broken, never a person's values.
 * The kinds are the service's (`kinds`), checked here rather than by the table, so that a new kind needs no migration.
 */
export class ImportJobStore extends PostgresTableStore {
  private readonly jobs = this.table('import_jobs');
  private readonly errors = this.table('import_job_errors');

  constructor(
    pool: Pool,
    schema: string,
    private readonly kinds: readonly string[],
  ) {
    super(pool, schema);
  }

  protected tablesDdl(): string {
    return `
      CREATE TABLE IF NOT EXISTS ${this.jobs} (
        job_id          uuid PRIMARY KEY,
        kind            text NOT NULL,
        status          text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        created_by      text NOT NULL,
        columns         jsonb NOT NULL,
        delimiter       text NOT NULL,
        default_country text,
        on_invalid_cell text NOT NULL DEFAULT 'strict',
        rows_where      jsonb,
        bytes_total     bigint NOT NULL,
        bytes_processed bigint NOT NULL DEFAULT 0,
        rows_total      integer NOT NULL,
        rows_read       integer NOT NULL DEFAULT 0,
        created         integer NOT NULL DEFAULT 0,
        updated         integer NOT NULL DEFAULT 0,
        unchanged       integer NOT NULL DEFAULT 0,
        failed          integer NOT NULL DEFAULT 0,
        warnings        integer NOT NULL DEFAULT 0,
        failure_reason  text,
        owner           text NOT NULL,
        heartbeat_at    timestamptz NOT NULL DEFAULT now(),
        created_at      timestamptz NOT NULL DEFAULT now(),
        started_at      timestamptz,
        finished_at     timestamptz
      );
      CREATE INDEX IF NOT EXISTS import_jobs_active ON ${this.jobs} (heartbeat_at) WHERE status IN ('queued', 'running');
      CREATE INDEX IF NOT EXISTS import_jobs_created_by ON ${this.jobs} (created_by, created_at DESC);
      CREATE TABLE IF NOT EXISTS ${this.errors} (
        job_id     uuid NOT NULL REFERENCES ${this.jobs} (job_id) ON DELETE CASCADE,
        row_number integer NOT NULL,
        severity   text NOT NULL DEFAULT 'error',
        problem    jsonb NOT NULL,
        PRIMARY KEY (job_id, row_number)
      );
      -- Tables made before the kinds were the service's had them in a CHECK, which would refuse any other kind. Looked
      -- up first: ALTER TABLE locks the table, and every replica migrates at every start.
      DO $$ BEGIN
        IF EXISTS (SELECT FROM pg_constraint WHERE conrelid = '${this.jobs}'::regclass AND conname = 'import_jobs_kind_check') THEN
          ALTER TABLE ${this.jobs} DROP CONSTRAINT import_jobs_kind_check;
        END IF;
        -- Tables made before imports took a default country.
        IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = '${this.jobs}'::regclass AND attname = 'default_country') THEN
          ALTER TABLE ${this.jobs} ADD COLUMN default_country text;
        END IF;
        -- Tables made before a file could hold rows of two kinds.
        IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = '${this.jobs}'::regclass AND attname = 'rows_where') THEN
          ALTER TABLE ${this.jobs} ADD COLUMN rows_where jsonb;
        END IF;
        -- Tables made before rows could land with warnings (onInvalidCell).
        IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = '${this.jobs}'::regclass AND attname = 'warnings') THEN
          ALTER TABLE ${this.jobs} ADD COLUMN on_invalid_cell text NOT NULL DEFAULT 'strict',
            ADD COLUMN warnings integer NOT NULL DEFAULT 0;
        END IF;
        IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = '${this.errors}'::regclass AND attname = 'severity') THEN
          ALTER TABLE ${this.errors} ADD COLUMN severity text NOT NULL DEFAULT 'error';
        END IF;
      END $$`;
  }

  async insert(
    job: Pick<
      ImportJob,
      | 'jobId'
      | 'kind'
      | 'createdBy'
      | 'columns'
      | 'delimiter'
      | 'defaultCountry'
      | 'onInvalidCell'
      | 'rowsWhere'
      | 'bytesTotal'
      | 'rowsTotal'
    >,
    owner: string,
  ) {
    if (!this.kinds.includes(job.kind)) throw new Error(`Unknown import kind "${job.kind}"; known: ${this.kinds.join(', ')}`);
    await this.pool.query(
      `INSERT INTO ${this.jobs} (job_id, kind, status, created_by, columns, delimiter, default_country, on_invalid_cell, rows_where, bytes_total, rows_total, owner)
       VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        job.jobId,
        job.kind,
        job.createdBy,
        JSON.stringify(job.columns),
        job.delimiter,
        job.defaultCountry ?? null,
        job.onInvalidCell,
        job.rowsWhere ? JSON.stringify(job.rowsWhere) : null,
        job.bytesTotal,
        job.rowsTotal,
        owner,
      ],
    );
  }

  async get(jobId: string): Promise<ImportJob | undefined> {
    const { rows } = await this.pool.query<JobRow>(`SELECT * FROM ${this.jobs} WHERE job_id = $1`, [jobId]);
    return rows[0] && jobOf(rows[0]);
  }

  /** The newest jobs first; of one user, or of everyone. */
  async list(createdBy: string | undefined, limit: number): Promise<ImportJob[]> {
    const { rows } = await this.pool.query<JobRow>(
      `SELECT * FROM ${this.jobs} WHERE $1::text IS NULL OR created_by = $1 ORDER BY created_at DESC LIMIT $2`,
      [createdBy ?? null, limit],
    );
    return rows.map(jobOf);
  }

  async start(jobId: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.jobs} SET status = 'running', started_at = now(), heartbeat_at = now() WHERE job_id = $1 AND status = 'queued'`,
      [jobId],
    );
  }

  /** Records progress and the bad rows (and rows with warnings) found since the last call, together (one statement). */
  async progress(jobId: string, counts: ImportCounts, rowErrors: readonly RowError[]): Promise<void> {
    await this.pool.query(
      `WITH kept AS (
         INSERT INTO ${this.errors} (job_id, row_number, severity, problem)
         SELECT $1, row_number, severity, problem FROM unnest($9::int[], $10::text[], $11::jsonb[]) AS e(row_number, severity, problem)
         ON CONFLICT DO NOTHING
       )
       UPDATE ${this.jobs} SET rows_read = $2, created = $3, updated = $4, unchanged = $5, failed = $6, bytes_processed = $7,
         warnings = $8, heartbeat_at = now() WHERE job_id = $1`,
      [
        jobId,
        counts.rowsRead,
        counts.created,
        counts.updated,
        counts.unchanged,
        counts.failed,
        counts.bytesProcessed,
        counts.warnings,
        rowErrors.map((e) => e.row),
        rowErrors.map((e) => e.severity),
        rowErrors.map(({ row: _, severity: __, ...problem }) => JSON.stringify(problem)),
      ],
    );
  }

  async finish(jobId: string, status: 'completed' | 'failed', failureReason?: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.jobs} SET status = $2, failure_reason = $3, finished_at = now() WHERE job_id = $1 AND status IN ('queued', 'running')`,
      [jobId, status, failureReason ?? null],
    );
  }

  /** Bad rows and rows with warnings (or those of one severity) in row order, after `afterRow`. */
  async rowErrors(jobId: string, afterRow: number, limit: number, severity?: RowSeverity): Promise<RowError[]> {
    const { rows } = await this.pool.query<{
      row_number: number;
      severity: RowSeverity;
      problem: Omit<RowError, 'row' | 'severity'>;
    }>(
      `SELECT row_number, severity, problem FROM ${this.errors}
       WHERE job_id = $1 AND row_number > $2 AND ($4::text IS NULL OR severity = $4) ORDER BY row_number LIMIT $3`,
      [jobId, afterRow, limit, severity ?? null],
    );
    return rows.map(({ row_number, severity, problem }) => ({ row: row_number, severity, ...problem }));
  }

  /** Tells that these jobs are still held by a live process. */
  async heartbeat(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.pool.query(
      `UPDATE ${this.jobs} SET heartbeat_at = now() WHERE job_id = ANY($1::uuid[]) AND status IN ('queued', 'running')`,
      [jobIds],
    );
  }

  /** Fails the unfinished jobs whose process has not been heard of for `staleMs`; returns their ids. */
  async failAbandoned(staleMs: number, reason: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ job_id: string }>(
      `UPDATE ${this.jobs} SET status = 'failed', failure_reason = $2, finished_at = now()
       WHERE status IN ('queued', 'running') AND heartbeat_at < now() - $1 * interval '1 millisecond'
       RETURNING job_id`,
      [staleMs, reason],
    );
    return rows.map((row) => row.job_id);
  }

  /** Deletes finished jobs (and their bad rows) older than `ageMs`. */
  async purgeFinished(ageMs: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${this.jobs} WHERE status IN ('completed', 'failed') AND finished_at < now() - $1 * interval '1 millisecond'`,
      [ageMs],
    );
    return rowCount ?? 0;
  }
}

function jobOf(row: JobRow): ImportJob {
  return {
    jobId: row.job_id,
    kind: row.kind,
    status: row.status,
    createdBy: row.created_by,
    // Jobs stored before columns had positions: their order is their position.
    columns: row.columns.map((column, index) => ({ ...column, position: (column as Partial<Column>).position ?? index + 1 })),
    delimiter: row.delimiter,
    ...(row.default_country !== null && { defaultCountry: row.default_country }),
    onInvalidCell: row.on_invalid_cell,
    ...(row.rows_where !== null && { rowsWhere: row.rows_where }),
    bytesTotal: Number(row.bytes_total),
    bytesProcessed: Number(row.bytes_processed),
    rowsTotal: row.rows_total,
    rowsRead: row.rows_read,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    failed: row.failed,
    warnings: row.warnings,
    ...(row.failure_reason !== null && { failureReason: row.failure_reason }),
    createdAt: row.created_at.toISOString(),
    ...(row.started_at && { startedAt: row.started_at.toISOString() }),
    ...(row.finished_at && { finishedAt: row.finished_at.toISOString() }),
  };
}
