// `npm run import -- people.csv [--kind companies] [--map "Work Email=email"]`: uploads a CSV to the contacts
// service's POST /v1/imports and follows the job with a progress bar (docs/import-export.md).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import { tokenFromArgs } from '@crm/platform/cli/token';
import { formatDuration, progressStats } from '@crm/platform/cli/progress';
import { EXIT_FAILED, IMPORT_USAGE, importCliArgs, importSummary, problemText } from '../imports/import-cli';
import type { ImportJobView } from '../imports/imports.controller';

const POLL_MS = 500;

async function main(): Promise<number> {
  const args = importCliArgs(process.argv.slice(2), process.env);
  if (args === 'help') {
    process.stdout.write(`${IMPORT_USAGE}\n`);
    return 0;
  }
  // The development secret unless JWT_SECRET is set, as `npm start` runs the services.
  const token =
    process.env.CRM_TOKEN ??
    tokenFromArgs(['--sub', 'import-cli', '--roles', 'admin'], { NODE_ENV: 'development', ...process.env });
  // npm runs scripts in the repository root; the file is named from where the command was typed.
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), args.file);
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

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
