import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Pool } from 'pg';
import pino from 'pino';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { ProblemError } from '@crm/platform';
import {
  defineImportKinds,
  importSkippingInvalidCells,
  ImportJobStore,
  ImportQueue,
  InvalidRowError,
  type ImportedRow,
  type ImportJob,
  type ImportOptions,
  type RowImporter,
  type RowOutcome,
  type RowValues,
} from '../src';

// A service that is not contacts: it imports deals, one row after the other for the same account.
const kinds = defineImportKinds({
  deals: { fields: ['dealId', 'account', 'amount', { name: 'closeDate', date: true }] },
  notes: { fields: ['text'] },
});

class DealRowImporter implements RowImporter {
  readonly written: string[] = [];
  private running = new Set<string>();
  overlapped = false;
  readonly closeDates: string[] = [];
  private options: ImportOptions = {};

  configure(options: ImportOptions): void {
    this.options = options;
  }

  keysOf(values: RowValues): string[] {
    return values.account ? [`account:${values.account}`] : [];
  }

  importRow(values: RowValues): Promise<RowOutcome | ImportedRow> {
    // A deal needs its id: never left out; a bad amount is, when the import skips bad cells.
    return this.options.onInvalidCell === 'skip'
      ? importSkippingInvalidCells(values, (cells) => this.importDeal(cells), ['dealId'])
      : this.importDeal(values);
  }

  private async importDeal(values: RowValues): Promise<RowOutcome> {
    if (values.amount !== undefined && !/^\d+$/.test(values.amount))
      throw new InvalidRowError([{ field: 'amount', messages: ['must be a whole number'] }]);
    if (!values.dealId?.startsWith('d-')) throw new InvalidRowError([{ field: 'dealId', messages: ['must start with d-'] }]);
    if (values.closeDate) this.closeDates.push(`${this.options.dateOrders?.closeDate}:${values.closeDate}`);
    const account = values.account ?? '';
    if (this.running.has(account)) this.overlapped = true;
    this.running.add(account);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.running.delete(account);
    this.written.push(values.dealId!);
    return 'created';
  }
}

const problemOf = (error: unknown) =>
  error instanceof ProblemError
    ? { problem: error.problem, unexpected: error.problem.status >= 500 }
    : { problem: { status: 500, type: 'internal', title: 'Internal error' }, unexpected: true };

describe('import jobs (PostgreSQL)', () => {
  const schema = uniqueSchema('csv_imports_test');
  let pool: Pool;
  let spoolDir: string;

  beforeAll(async () => {
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
    spoolDir = await mkdtemp(join(tmpdir(), 'csv-imports-test-'));
  });
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('takes a kind the table’s old CHECK did not list and a default country and warnings it had no columns for, keeping the rows already in it', async () => {
    // The table as the contacts service made it when its kinds were fixed in the table.
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(`CREATE TABLE "${schema}".import_jobs (
      job_id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('contacts', 'companies')),
      status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
      created_by text NOT NULL, columns jsonb NOT NULL, delimiter text NOT NULL,
      bytes_total bigint NOT NULL, bytes_processed bigint NOT NULL DEFAULT 0,
      rows_total integer NOT NULL, rows_read integer NOT NULL DEFAULT 0,
      created integer NOT NULL DEFAULT 0, updated integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0, failed integer NOT NULL DEFAULT 0,
      failure_reason text, owner text NOT NULL,
      heartbeat_at timestamptz NOT NULL DEFAULT now(), created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz, finished_at timestamptz)`);
    await pool.query(`CREATE TABLE "${schema}".import_job_errors (
      job_id uuid NOT NULL REFERENCES "${schema}".import_jobs (job_id) ON DELETE CASCADE,
      row_number integer NOT NULL, problem jsonb NOT NULL, PRIMARY KEY (job_id, row_number))`);
    const old = '0192a8f0-2222-7000-8000-000000000001';
    await pool.query(
      `INSERT INTO "${schema}".import_jobs (job_id, kind, status, created_by, columns, delimiter, bytes_total, rows_total, owner)
       VALUES ($1, 'contacts', 'completed', 'sally', '[]', ',', 10, 1, 'gone:1:old')`,
      [old],
    );
    await pool.query(
      `INSERT INTO "${schema}".import_job_errors (job_id, row_number, problem) VALUES ($1, 2, '{"type":"validation","title":"The row is invalid"}')`,
      [old],
    );

    const store = new ImportJobStore(pool, schema, kinds.names);
    await store.migrate();
    await store.migrate(); // every start migrates: twice changes nothing
    const deal = {
      jobId: '0192a8f0-2222-7000-8000-000000000002',
      kind: 'deals',
      createdBy: 'dan',
      columns: [],
      delimiter: ',' as const,
    };
    await store.insert({ ...deal, defaultCountry: 'CH', onInvalidCell: 'skip', bytesTotal: 20, rowsTotal: 2 }, 'here:1:new');
    // The table also gained the default country's column, which the old rows have not.
    expect(await store.get(deal.jobId)).toMatchObject({
      kind: 'deals',
      status: 'queued',
      rowsTotal: 2,
      defaultCountry: 'CH',
      onInvalidCell: 'skip',
      warnings: 0,
    });
    // Old jobs were strict and had no warnings; their bad rows are errors.
    expect(await store.get(old)).toMatchObject({
      kind: 'contacts',
      status: 'completed',
      createdBy: 'sally',
      onInvalidCell: 'strict',
      warnings: 0,
    });
    expect(await store.rowErrors(old, 0, 10)).toEqual([
      { row: 2, severity: 'error', type: 'validation', title: 'The row is invalid' },
    ]);
    expect(await store.get(old)).not.toHaveProperty('defaultCountry');

    // The service's kinds are checked in code instead; the status CHECK stays.
    await expect(
      store.insert(
        {
          ...deal,
          jobId: '0192a8f0-2222-7000-8000-000000000003',
          kind: 'tickets',
          onInvalidCell: 'strict',
          bytesTotal: 1,
          rowsTotal: 1,
        },
        'x',
      ),
    ).rejects.toThrow('Unknown import kind "tickets"; known: deals, notes');
    const { rows } = await pool.query<{ definition: string }>(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = '"${schema}".import_jobs'::regclass AND contype = 'c'`,
    );
    expect(rows.map((row) => row.definition)).toEqual([expect.stringContaining('status')]);
  });

  /** A queue of deals imports on this test's store and spool directory, started; `stop()` it. */
  async function startedQueue(concurrency: number) {
    const importer = new DealRowImporter();
    const store = new ImportJobStore(pool, schema, kinds.names);
    await store.migrate();
    const queue = new ImportQueue({
      store,
      kinds,
      importerFor: async () => importer,
      settings: { maxBytes: 1024 * 1024, maxRows: 1000, concurrency, spoolDir, owners: new Map() },
      logger: pino({ level: 'silent' }),
      problemOf,
    });
    await queue.start();
    return { importer, store, queue };
  }

  /** The job once completed or failed (polled for up to 10 s), else as it last was. */
  async function finished(store: ImportJobStore, jobId: string): Promise<ImportJob | undefined> {
    let job: ImportJob | undefined;
    for (let tries = 0; tries < 200 && !['completed', 'failed'].includes((job = await store.get(jobId))!.status); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return job;
  }

  it('imports a file of another service’s kind: rows of one account in order, bad rows kept, the file deleted', async () => {
    const { importer, store, queue } = await startedQueue(4);
    try {
      const rows = Array.from(
        { length: 40 },
        (_, i) => `d-${i},${i % 3 === 0 ? 'acme' : `account-${i}`},${i === 7 ? 'lots' : i}`,
      );
      const submitted = await queue.submit(Readable.from([['Deal ID,Account,Amount', ...rows].join('\n')]), {
        kind: 'deals',
        mapping: {},
        ignoreUnknownColumns: false,
        delimiter: ',',
        createdBy: 'dan',
        correlationId: 'c-1',
      });
      expect(submitted).toMatchObject({ kind: 'deals', status: 'queued', rowsTotal: 40 });
      const job = await finished(store, submitted.jobId);
      expect(job).toMatchObject({ status: 'completed', rowsRead: 40, created: 39, failed: 1 });
      expect(await store.rowErrors(submitted.jobId, 0, 10)).toEqual([
        expect.objectContaining({
          row: 9,
          title: 'The row is invalid',
          errors: [{ field: 'amount', column: 'Amount', messages: ['must be a whole number'] }],
        }),
      ]);
      expect(importer.overlapped).toBe(false);
      const acme = rows.filter((row) => row.includes(',acme,')).map((row) => row.split(',')[0]);
      expect(importer.written.filter((id) => acme.includes(id))).toEqual(acme);
      expect(await readdir(spoolDir)).toEqual([]);
    } finally {
      await queue.stop();
    }
  });
  it('lands a row without its bad cells when the import skips them, with warnings kept apart from bad rows', async () => {
    const { importer, store, queue } = await startedQueue(2);
    try {
      const file = ['Deal ID,Account,Amount,Close Date', 'd-1,acme,lots,3/4/2025', 'x-2,acme,lots,', 'd-3,initech,12,12/25/2025'];
      const submitted = await queue.submit(Readable.from([file.join('\n')]), {
        kind: 'deals',
        mapping: {},
        ignoreUnknownColumns: false,
        onInvalidCell: 'skip',
        createdBy: 'dan',
        correlationId: 'c-2',
      });
      // The close dates' order is told by the value with 25 in second place.
      expect(submitted.columns[3]).toEqual({ position: 4, header: 'Close Date', field: 'closeDate', dateOrder: 'mdy' });
      const job = await finished(store, submitted.jobId);
      expect(job).toMatchObject({ status: 'completed', onInvalidCell: 'skip', created: 2, failed: 1, warnings: 1 });
      expect(importer.closeDates.sort()).toEqual(['mdy:12/25/2025', 'mdy:3/4/2025']);
      const warning = {
        row: 2,
        severity: 'warning',
        type: 'https://crm.example/problems/import-warnings',
        title: 'The row was imported with warnings',
        errors: [{ field: 'amount', column: 'Amount', messages: ['must be a whole number'] }],
      };
      // A row with a cell that cannot be left out is a bad row, with every reason: the skipped cell too.
      const bad = expect.objectContaining({
        row: 3,
        severity: 'error',
        errors: [
          { field: 'amount', column: 'Amount', messages: ['must be a whole number'] },
          { field: 'dealId', column: 'Deal ID', messages: ['must start with d-'] },
        ],
      });
      expect(await store.rowErrors(submitted.jobId, 0, 10)).toEqual([warning, bad]);
      expect(await store.rowErrors(submitted.jobId, 0, 10, 'warning')).toEqual([warning]);
      expect(await store.rowErrors(submitted.jobId, 0, 10, 'error')).toEqual([bad]);
    } finally {
      await queue.stop();
    }
  });
});
