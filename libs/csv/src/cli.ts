import { parseArgs } from 'node:util';
import { IMPORT_KINDS, type ImportKind } from './import-columns';
import type { ImportJobView } from './imports.controller';

export const IMPORT_USAGE = `usage: npm run import -- <file.csv> [--kind contacts|companies] [--map "Header=field" ...]
                         [--ignore-unknown-columns] [--delimiter ,|;|tab] [--url http://127.0.0.1:3001]
The token is CRM_TOKEN, else an admin token signed with JWT_SECRET (the development one unless set).`;

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
export function importCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ImportCliArgs | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      kind: { type: 'string', default: 'contacts' },
      map: { type: 'string', multiple: true, default: [] },
      'ignore-unknown-columns': { type: 'boolean', default: false },
      delimiter: { type: 'string' },
      url: { type: 'string', default: env.CONTACTS_URL ?? 'http://127.0.0.1:3001' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new Error(`name one CSV file\n${IMPORT_USAGE}`);
  if (!(IMPORT_KINDS as readonly string[]).includes(values.kind)) throw new Error(`--kind is ${IMPORT_KINDS.join(' or ')}`);
  const mapping: Record<string, string> = {};
  for (const entry of values.map) {
    const at = entry.lastIndexOf('=');
    if (at <= 0 || at === entry.length - 1) throw new Error(`--map takes "Header=field", not "${entry}"`);
    mapping[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  }
  const query = new URLSearchParams({ kind: values.kind as ImportKind });
  if (values.map.length > 0) query.set('mapping', JSON.stringify(mapping));
  if (values['ignore-unknown-columns']) query.set('ignoreUnknownColumns', 'true');
  if (values.delimiter) query.set('delimiter', values.delimiter === '\t' ? 'tab' : values.delimiter);
  return { file: positionals[0], url: values.url.replace(/\/+$/, ''), query };
}

/** A refused upload or request, from its problem details. */
export function problemText(status: number, body: unknown): string {
  const problem = (body ?? {}) as { title?: string; detail?: string; errors?: { field: string; messages: string[] }[] };
  const lines = [`${status} ${problem.title ?? 'request failed'}${problem.detail ? `: ${problem.detail}` : ''}`];
  for (const error of problem.errors ?? []) lines.push(`  ${error.field}: ${error.messages.join('; ')}`);
  return lines.join('\n');
}

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
