import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { formatDuration, progressStats } from '@crm/platform/cli/progress';
import { tokenFromArgs } from '@crm/platform/cli/token';
import type { ImportJobView } from './job-store';

/** A service's import command: what it imports and where the service is. */
export interface ImportCli {
  /** The kinds of rows the service imports; the first is the default. */
  readonly kinds: readonly string[];
  /** The variable that holds the service's URL (`CONTACTS_URL`), else `defaultUrl`; `--url` wins over both. */
  readonly urlVariable: string;
  readonly defaultUrl: string;
  /** How the command is typed, for its usage. */
  readonly command?: string;
}

export function importUsage(cli: ImportCli): string {
  const usage = `usage: ${cli.command ?? 'npm run import --'} `;
  return `${usage}<file.csv> [--kind ${cli.kinds.join('|')}] [--map "Header=field" ...]
${' '.repeat(usage.length)}[--ignore-unknown-columns] [--delimiter ,|;|tab] [--default-country CH] [--url ${cli.defaultUrl}]
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
      'ignore-unknown-columns': { type: 'boolean', default: false },
      delimiter: { type: 'string' },
      'default-country': { type: 'string' },
      url: { type: 'string', default: env[cli.urlVariable] ?? cli.defaultUrl },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new Error(`name one CSV file\n${importUsage(cli)}`);
  if (!cli.kinds.includes(values.kind)) throw new Error(`--kind is ${cli.kinds.join(' or ')}`);
  const mapping: Record<string, string> = {};
  for (const entry of values.map) {
    const at = entry.lastIndexOf('=');
    if (at <= 0 || at === entry.length - 1) throw new Error(`--map takes "Header=field", not "${entry}"`);
    mapping[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  }
  const query = new URLSearchParams({ kind: values.kind });
  if (values.map.length > 0) query.set('mapping', JSON.stringify(mapping));
  if (values['ignore-unknown-columns']) query.set('ignoreUnknownColumns', 'true');
  if (values.delimiter) query.set('delimiter', values.delimiter === '\t' ? 'tab' : values.delimiter);
  if (values['default-country']) query.set('defaultCountry', values['default-country']);
  return { file: positionals[0], url: values.url.replace(/\/+$/, ''), query };
}

/**
 * A refused upload or request, from its problem details, with the API's hints in this command's words: the service
 * says `mapping[Phone]=phone` and `ignoreUnknownColumns=true`, the command takes `--map "Phone=phone"` and
 * `--ignore-unknown-columns`.
 */
export function problemText(status: number, body: unknown): string {
  const problem = (body ?? {}) as { title?: string; detail?: string; errors?: { field: string; messages: string[] }[] };
  const lines = [`${status} ${problem.title ?? 'request failed'}${problem.detail ? `: ${problem.detail}` : ''}`];
  for (const error of problem.errors ?? []) lines.push(`  ${error.field}: ${error.messages.map(inCommandWords).join('; ')}`);
  return lines.join('\n');
}

const inCommandWords = (message: string): string =>
  message
    .replace(/\(mapping\[([^\]]+)\]=([^)\s]+)\)/g, '(--map "$1=$2")')
    .replace(/\bsend ignoreUnknownColumns=true\b/g, 'add --ignore-unknown-columns');

const SHOWN_BAD_ROWS = 10;

/** The end of an import as the command prints it, and the exit code it means. */
export function importSummary(job: ImportJobView, file: string, seconds: number): { text: string; exitCode: number } {
  const lines = [
    `${job.status === 'completed' ? 'Imported' : 'Import failed:'} ${file} (${job.kind}, job ${job.jobId}): ${job.rowsRead} of ${job.rowsTotal} rows in ${seconds.toFixed(1)} s`,
    `  created ${job.created}, updated ${job.updated}, unchanged ${job.unchanged}, failed ${job.failed}`,
  ];
  if (job.failureReason) lines.push(`  ${job.failureReason}`);
  if (job.failed > 0) {
    const shown = job.badRows.slice(0, SHOWN_BAD_ROWS);
    lines.push(`Bad rows (${shown.length} of ${job.failed}; all of them: GET ${job.badRowsUrl}):`);
    for (const bad of shown) {
      const reasons = bad.errors?.length
        ? bad.errors.map((e) => `${e.column ?? e.field}: ${e.messages.join('; ')}`).join(' | ')
        : (bad.detail ?? bad.title);
      lines.push(`  row ${bad.row}: ${reasons}`);
    }
  }
  const exitCode = job.status !== 'completed' ? EXIT_FAILED : job.failed > 0 ? EXIT_SOME_ROWS_FAILED : EXIT_IMPORTED;
  return { text: `${lines.join('\n')}\n`, exitCode };
}

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
  const { status, body } = await upload(`${args.url}/v1/imports?${args.query}`, file, size, token, (sent) => bar.update(sent));
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
  onProgress: (sent: number) => void,
): Promise<{ status: number; body: unknown }> {
  const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv; charset=utf-8', 'Content-Length': size },
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
