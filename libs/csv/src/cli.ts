import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, extname, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { formatDuration, progressStats } from '@crm/platform/cli/progress';
import { tokenFromArgs } from '@crm/platform/cli/token';
import type { ImportJobView } from './job-store';
import type { ImportPreview } from './preview';

/** A service's import command: what it imports and where the service is. */
export interface ImportCli {
  /** The kinds of rows the service imports; the first is the default. */
  readonly kinds: readonly string[];
  /** The variable that holds the service's URL (`CONTACTS_URL`), else `defaultUrl`; `--url` wins over both. */
  readonly urlVariable: string;
  readonly defaultUrl: string;
  /** The presets the service offers (`--preset`), for the usage. */
  readonly presets?: readonly string[];
  /** How the command is typed, for its usage. */
  readonly command?: string;
}

export function importUsage(cli: ImportCli): string {
  const usage = `usage: ${cli.command ?? 'npm run import --'} `;
  const indent = ' '.repeat(usage.length);
  return `${usage}<file.csv|file.xlsx> [--kind ${cli.kinds.join('|')}] [--preset ${cli.presets?.join('|') ?? 'name'}]
${indent}[--map "Header=field" ...] [--map "#7=field" ...] [--value "field[cell]=value" ...] [--ignore-unknown-columns]
${indent}[--delimiter ,|;|tab] [--encoding windows-1252|utf-16le|...] [--default-country CH]
${indent}[--on-invalid-cell strict|skip] [--date-order dmy|mdy|ymd] [--rows-where "kind=Column"] [--preview [--rows 20]]
${indent}[--url ${cli.defaultUrl}]
A CSV without --encoding is read by its byte order mark, else as UTF-8, or windows-1252 when the service can tell.
--rows-where imports the rows whose cell in Column is true as that kind (Odoo: --rows-where "companies=is_company").
--preview shows the columns and what the first rows would do, and writes nothing.
The token is CRM_TOKEN, else an admin token signed with JWT_SECRET (the development one unless set).`;
}

/** Exit codes: every row imported; the import ran but some rows were refused; it could not run. */
export const EXIT_IMPORTED = 0;
export const EXIT_FAILED = 1;
export const EXIT_SOME_ROWS_FAILED = 2;

export interface ImportCliArgs {
  file: string;
  url: string;
  query: URLSearchParams;
  /** Asks what the import would do (`POST /v1/imports/preview`) instead of importing. */
  preview: boolean;
  /** Of the upload: an .xlsx by its name, else CSV, with the charset given by --encoding. */
  contentType: string;
}

const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What the file is sent as: the service refuses an .xls itself, with its hint. */
function contentTypeOf(file: string, encoding: string | undefined): string {
  const extension = extname(file).toLowerCase();
  if (extension === '.xlsx' || extension === '.xls') {
    if (encoding) throw new Error('--encoding is for a CSV file; a workbook says its own');
    return extension === '.xlsx' ? XLSX_MEDIA_TYPE : 'application/vnd.ms-excel';
  }
  if (encoding !== undefined && !/^[A-Za-z0-9._:-]{1,40}$/.test(encoding))
    throw new Error(`--encoding takes a charset name, not "${encoding}"`);
  return encoding ? `text/csv; charset=${encoding}` : 'text/csv';
}

/** The command line as the request it makes; an Error whose message is meant for the user. */
export function importCliArgs(cli: ImportCli, argv: readonly string[], env: NodeJS.ProcessEnv): ImportCliArgs | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      kind: { type: 'string', default: cli.kinds[0] },
      map: { type: 'string', multiple: true, default: [] },
      value: { type: 'string', multiple: true, default: [] },
      preset: { type: 'string' },
      'ignore-unknown-columns': { type: 'boolean', default: false },
      delimiter: { type: 'string' },
      encoding: { type: 'string' },
      'default-country': { type: 'string' },
      'on-invalid-cell': { type: 'string' },
      'date-order': { type: 'string' },
      'rows-where': { type: 'string' },
      preview: { type: 'boolean', default: false },
      rows: { type: 'string' },
      url: { type: 'string', default: env[cli.urlVariable] ?? cli.defaultUrl },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new Error(`name one CSV or .xlsx file\n${importUsage(cli)}`);
  if (!cli.kinds.includes(values.kind)) throw new Error(`--kind is ${cli.kinds.join(' or ')}`);
  const mapping: Record<string, string> = {};
  for (const entry of values.map) {
    const at = entry.lastIndexOf('=');
    if (at <= 0 || at === entry.length - 1) throw new Error(`--map takes "Header=field", not "${entry}"`);
    mapping[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  }
  const valueMappings: Record<string, Record<string, string>> = {};
  for (const entry of values.value) {
    const match = /^([^[\]=]+)\[([^\]]+)\]=(.*)$/.exec(entry);
    if (!match) throw new Error(`--value takes "field[cell]=value", not "${entry}"`);
    const [, field, cell, value] = match;
    (valueMappings[field.trim()] ??= {})[cell] = value.trim();
  }
  const query = new URLSearchParams({ kind: values.kind });
  if (values.preset) query.set('preset', values.preset);
  if (values.map.length > 0) query.set('mapping', JSON.stringify(mapping));
  if (values.value.length > 0) query.set('values', JSON.stringify(valueMappings));
  if (values['ignore-unknown-columns']) query.set('ignoreUnknownColumns', 'true');
  if (values.delimiter) query.set('delimiter', values.delimiter === '\t' ? 'tab' : values.delimiter);
  if (values['default-country']) query.set('defaultCountry', values['default-country']);
  // Checked by the service, whose 400 names the parameter and what it takes.
  if (values['on-invalid-cell']) query.set('onInvalidCell', values['on-invalid-cell']);
  if (values['date-order']) query.set('dateOrder', values['date-order']);
  const rowsWhere = values['rows-where'];
  if (rowsWhere !== undefined) {
    const at = rowsWhere.indexOf('=');
    if (at <= 0 || at === rowsWhere.length - 1) throw new Error(`--rows-where takes "kind=Column", not "${rowsWhere}"`);
    query.set(`rowsWhere[${rowsWhere.slice(0, at).trim()}]`, rowsWhere.slice(at + 1).trim());
  }
  if (values.rows !== undefined) {
    if (!values.preview) throw new Error('--rows goes with --preview');
    query.set('rows', values.rows);
  }
  const contentType = contentTypeOf(positionals[0], values.encoding);
  return { file: positionals[0], url: values.url.replace(/\/+$/, ''), query, preview: values.preview, contentType };
}

/**
 * A refused upload or request, from its problem details, with the API's hints in this command's words: the service
 * says `mapping[Phone]=phone`, `mapping[#9]=ignore` and `ignoreUnknownColumns=true`, the command takes
 * `--map "Phone=phone"`, `--map "#9=ignore"` and `--ignore-unknown-columns`.
 */
export function problemText(status: number, body: unknown): string {
  const problem = (body ?? {}) as { title?: string; detail?: string; errors?: { field: string; messages: string[] }[] };
  const lines = [`${status} ${problem.title ?? 'request failed'}${problem.detail ? `: ${inCommandWords(problem.detail)}` : ''}`];
  for (const error of problem.errors ?? []) lines.push(`  ${error.field}: ${error.messages.map(inCommandWords).join('; ')}`);
  return lines.join('\n');
}

const inCommandWords = (message: string): string =>
  message
    .replace(/\bmapping\[([^\]]+)\]=([^)\s,]+)/g, '--map "$1=$2"')
    .replace(/\bvalues\[([^\]]+)\]\[([^\]]+)\]=([^)\s,]*)/g, '--value "$1[$2]=$3"')
    .replace(/\bsend ignoreUnknownColumns=true\b/g, 'add --ignore-unknown-columns')
    .replace(
      /declare its charset in the Content-Type \(text\/csv; charset=\.\.\.: ([^)]+)\)/g,
      'name its charset with --encoding ($1)',
    );

const SHOWN_BAD_ROWS = 10;

/** The end of an import as the command prints it, and the exit code it means. */
export function importSummary(job: ImportJobView, file: string, seconds: number): { text: string; exitCode: number } {
  const lines = [
    `${job.status === 'completed' ? 'Imported' : 'Import failed:'} ${file} (${job.kind}, job ${job.jobId}): ${job.rowsRead} of ${job.rowsTotal} rows in ${seconds.toFixed(1)} s`,
    `  created ${job.created}, updated ${job.updated}, unchanged ${job.unchanged}, failed ${job.failed}, with warnings ${job.warnings}`,
  ];
  if (job.failureReason) lines.push(`  ${job.failureReason}`);
  const list = (title: string, rows: ImportJobView['badRows'], count: number) => {
    if (count === 0) return;
    const shown = rows.slice(0, SHOWN_BAD_ROWS);
    lines.push(`${title} (${shown.length} of ${count}; all of them: GET ${job.badRowsUrl}):`);
    for (const bad of shown) {
      const reasons = bad.errors?.length
        ? bad.errors
            .map((e) => `${e.column ?? e.field}${e.items ? ` (item ${e.items.join(', ')})` : ''}: ${e.messages.join('; ')}`)
            .join(' | ')
        : (bad.detail ?? bad.title);
      lines.push(`  row ${bad.row}: ${reasons}`);
    }
  };
  list('Bad rows', job.badRows, job.failed);
  list('Rows imported with warnings', job.warningRows, job.warnings);
  const exitCode = job.status !== 'completed' ? EXIT_FAILED : job.failed > 0 ? EXIT_SOME_ROWS_FAILED : EXIT_IMPORTED;
  return { text: `${lines.join('\n')}\n`, exitCode };
}

const SAMPLES_SHOWN = 40;

/** A preview as the command prints it: the columns as a table, the column problems, the rows' outcomes; and its exit code. */
export function previewText(preview: ImportPreview, file: string): { text: string; exitCode: number } {
  const lines = [
    `Preview of ${file} (${preview.kind}, ${preview.rowsTotal} rows, delimiter ${JSON.stringify(preview.delimiter)}); nothing was written.`,
    ...columnTable(preview.columns),
  ];
  if (preview.rowsWhere) {
    const { kind, header, columns } = preview.rowsWhere;
    lines.push(`Rows whose "${header}" is true are ${kind}, read by these columns:`, ...columnTable(columns));
  }
  if (preview.columnErrors.length > 0) {
    lines.push('The import would refuse these columns:');
    for (const error of preview.columnErrors) lines.push(`  ${error.field}: ${error.messages.map(inCommandWords).join('; ')}`);
  }
  for (const [field, values] of Object.entries(preview.valueMappings)) {
    const pairs = Object.entries(values).map(([from, to]) => `${from} -> ${to}`);
    lines.push(`Values of ${field}: ${pairs.join(', ')}`);
  }
  if (preview.rows.length > 0) lines.push(`The first ${preview.rows.length} of ${preview.rowsTotal} rows:`);
  for (const row of preview.rows) lines.push(`  row ${row.row}${row.kind ? ` (${row.kind})` : ''}: ${outcomeText(row)}`);
  const exitCode =
    preview.columnErrors.length > 0
      ? EXIT_FAILED
      : preview.rows.some((row) => row.outcome === 'failed')
        ? EXIT_SOME_ROWS_FAILED
        : EXIT_IMPORTED;
  return { text: `${lines.join('\n')}\n`, exitCode };
}

/** Columns as an aligned table: position, header, field, confidence, samples. */
function columnTable(columns: ImportPreview['columns']): string[] {
  const table = [
    ['#', 'column', 'field', 'confidence', 'samples'],
    ...columns.map((column) => [
      String(column.position),
      column.header,
      column.field ?? '-',
      column.confidence,
      cut(column.samples.join(' | '), SAMPLES_SHOWN),
    ]),
  ];
  const widths = table[0].map((_, index) => Math.max(...table.map((cells) => cells[index].length)));
  return table.map((cells) => `  ${cells.map((cell, index) => cell.padEnd(widths[index])).join('  ')}`.trimEnd());
}

function outcomeText(row: ImportPreview['rows'][number]): string {
  if (row.outcome !== 'failed') {
    return row.outcome === 'created'
      ? 'would create'
      : `${row.outcome === 'updated' ? 'would update' : 'unchanged'} ${row.targetId}`;
  }
  const reasons = row.errors?.length
    ? row.errors.map((e) => `${e.column ?? e.field}: ${e.messages.join('; ')}`).join(' | ')
    : (row.detail ?? row.title);
  return `would fail: ${reasons}`;
}

const cut = (text: string, length: number): string => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

const POLL_MS = 500;

/**
 * Uploads a CSV to the service's `POST /v1/imports` and follows the job with a progress bar (on a terminal), then
 * prints the summary; the exit code tells whether every row was imported. A service's script is this one call:
 *
 *   runImportCli({ kinds: ['contacts', 'companies'], urlVariable: 'CONTACTS_URL', defaultUrl: 'http://127.0.0.1:3001' });
 */
export function runImportCli(cli: ImportCli, argv: readonly string[] = process.argv.slice(2), env = process.env): Promise<void> {
  return importCommand(cli, argv, env).then(
    (code) => void (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
}

async function importCommand(cli: ImportCli, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = importCliArgs(cli, argv, env);
  if (args === 'help') {
    process.stdout.write(`${importUsage(cli)}\n`);
    return 0;
  }
  // The development secret unless JWT_SECRET is set, as `npm start` runs the services.
  const token = env.CRM_TOKEN ?? tokenFromArgs(['--sub', 'import-cli', '--roles', 'admin'], { NODE_ENV: 'development', ...env });
  // npm runs scripts in the repository root; the file is named from where the command was typed.
  const file = resolve(env.INIT_CWD ?? process.cwd(), args.file);
  const size = (await stat(file)).size;
  const started = Date.now();

  const bar = new SingleBar(
    {
      format: ' {phase} {bar} {percentage}% | {value}/{total} {unit} | {counts} | ETA {remaining}',
      hideCursor: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  bar.start(size, 0, { phase: 'upload', unit: 'bytes', counts: '', remaining: '--' });
  const route = args.preview ? 'imports/preview' : 'imports';
  const { status, body } = await upload(`${args.url}/v1/${route}?${args.query}`, file, size, token, args.contentType, (sent) =>
    bar.update(sent),
  );
  if (args.preview) {
    bar.stop();
    if (status !== 200) {
      process.stderr.write(`${problemText(status, body)}\n`);
      return EXIT_FAILED;
    }
    const { text, exitCode } = previewText(body as ImportPreview, basename(args.file));
    process.stdout.write(text);
    return exitCode;
  }
  if (status !== 202) {
    bar.stop();
    process.stderr.write(`${problemText(status, body)}\n`);
    return EXIT_FAILED;
  }

  let job = body as ImportJobView;
  const processingStarted = Date.now();
  bar.setTotal(job.rowsTotal);
  for (;;) {
    const done = job.created + job.updated + job.unchanged + job.failed;
    const { etaSeconds } = progressStats(done, job.rowsTotal, Date.now() - processingStarted);
    bar.update(done, {
      phase: 'import',
      unit: 'rows',
      counts: `+${job.created} ~${job.updated} =${job.unchanged} !${job.failed}`,
      remaining: formatDuration(etaSeconds),
    });
    if (job.status === 'completed' || job.status === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const jobUrl = `${args.url}/v1/imports/${job.jobId}`;
    const response = await fetch(jobUrl, { headers: { Authorization: `Bearer ${token}` } }).catch((error: Error) => {
      throw new Error(`lost the service while following the import (${error.message}); its job: GET ${jobUrl}`);
    });
    if (!response.ok) {
      bar.stop();
      process.stderr.write(`${problemText(response.status, await response.json().catch(() => undefined))}\n`);
      return EXIT_FAILED;
    }
    job = (await response.json()) as ImportJobView;
  }
  bar.stop();
  const { text, exitCode } = importSummary(job, basename(args.file), (Date.now() - started) / 1000);
  process.stdout.write(text);
  return exitCode;
}

/** Streams the file as the request body (not read into memory), reporting the bytes sent. */
async function upload(
  url: string,
  file: string,
  size: number,
  token: string,
  contentType: string,
  onProgress: (sent: number) => void,
): Promise<{ status: number; body: unknown }> {
  const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType, 'Content-Length': size },
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
  let sent = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      onProgress(sent);
      done(null, chunk);
    },
  });
  // A refusal (413) may come before the whole file is sent: the answer counts, not the upload.
  const sending = pipeline(createReadStream(file), counting, request).catch(() => undefined);
  const response = await answered;
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  await sending;
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { title: text.slice(0, 200) };
  }
  return { status: response.statusCode ?? 0, body };
}
