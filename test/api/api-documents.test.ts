import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken, ROLES } from '@crm/platform';
import { TEST_JWT_SECRET } from '@crm/platform/nest/testing';
import { type ServiceProcess } from '../e2e/service-process';
import { ServiceSet } from '../e2e/service-set';

// The API gate: every service's OpenAPI document, as it serves it, passes `redocly lint` (recommended rules) and
// schemathesis (every check and phase, a bounded number of examples) against the running service finds nothing the
// document does not say. How to run it alone, and what each part checks: docs/api.md.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureSchemathesis } = require('../../scripts/schemathesis') as { ensureSchemathesis: () => string };

const ROOT = join(__dirname, '../..');
const GATE_TIMEOUT_MS = 15 * 60_000;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve) =>
    execFile(
      command,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

const tail = (text: string, lines = 150) => text.split('\n').slice(-lines).join('\n');

/** What schemathesis's JSON report says, in the terms the gate asserts on. */
interface FuzzReport {
  operations: { selected: number; tested: number; errored: number };
  test_cases: { generated: number; with_failures: number; unique_failures: number };
  failures: { code: string; title: string; count: number; operations: string[] }[];
  errors: unknown[];
}

const SERVICES = ['contacts', 'analytics', 'sales'] as const;
type Service = (typeof SERVICES)[number];

describe('the API documents', () => {
  const services = new ServiceSet('apidocs', ['contacts', 'sales', 'analytics']);
  let dir: string;
  let token: string;
  let schemathesis: string;

  beforeAll(async () => {
    schemathesis = ensureSchemathesis(); // installs it on a fresh machine (pip, into ~/.cache/crm-platform)
    dir = await mkdtemp(join(tmpdir(), 'crm-api-documents-'));
    await services.start();
    token = issueToken({ sub: 'api-gate', roles: [...ROLES] }, TEST_JWT_SECRET, '1h');
    // The document's example contact carries its example custom field; declare that field with its own example, as a
    // reader following the document would, so that every example is a request the service accepts.
    const declared = await fetch(`${services.contacts.url}/v1/custom-fields`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        key: 'preferredProduct',
        label: 'Preferred product',
        type: 'single-select',
        options: ['Engine', 'Loom'],
      }),
    });
    expect(declared.status).toBe(201);
  }, 300_000);

  afterAll(async () => {
    await services.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const serviceOf = (service: Service): ServiceProcess => services.process(service);

  const documentOf = async (service: Service) => {
    const url = `${serviceOf(service).url}/openapi.json`;
    const file = join(dir, `${service}.json`);
    await writeFile(file, await (await fetch(url)).text());
    return { url, file };
  };

  it.each(SERVICES)(
    "redocly lint (recommended rules) finds no problem in %s's document",
    async (service) => {
      const { file } = await documentOf(service);
      const lint = await run(join(ROOT, 'node_modules/.bin/redocly'), ['lint', file, '--format=json'], {
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      });
      const report = JSON.parse(lint.stdout) as {
        totals: { errors: number; warnings: number };
        problems: { message: string; ruleId: string }[];
      };
      expect({ totals: report.totals, problems: report.problems.map((p) => `${p.ruleId}: ${p.message}`) }).toEqual({
        totals: expect.objectContaining({ errors: 0, warnings: 0 }),
        problems: [],
      });
    },
    120_000,
  );

  it.each(SERVICES)(
    'schemathesis finds no failure in %s',
    async (service) => {
      const { url } = await documentOf(service);
      const reportFile = join(dir, `${service}-schemathesis.json`);
      const fuzz = await run(
        schemathesis,
        [
          '--config-file',
          join(ROOT, 'test/api/schemathesis.toml'),
          'run',
          url,
          '--checks',
          'all',
          '--header',
          `Authorization: Bearer ${token}`,
          '--report',
          'json',
          '--report-json-path',
          reportFile,
        ],
        { SCHEMATHESIS_HOOKS: join(ROOT, 'test/api/schemathesis_hooks.py') },
      );
      const report = JSON.parse(await readFile(reportFile, 'utf8').catch(() => '{}')) as Partial<FuzzReport>;
      const { operations, test_cases: cases } = report;
      console.log(
        `schemathesis, ${service}: ${operations?.tested ?? '?'} of ${operations?.selected ?? '?'} operations, ` +
          `${cases?.generated ?? '?'} test cases, ${cases?.unique_failures ?? '?'} unique failures`,
      );
      expect({
        exitCode: fuzz.code,
        failures: (report.failures ?? []).map(
          ({ code, title, count, operations: where }) => `${code} ${title} (${count}): ${where.join(', ')}`,
        ),
        errors: report.errors ?? ['no report'],
        output: fuzz.code === 0 ? '' : tail(`${fuzz.stdout}\n${fuzz.stderr}`),
      }).toEqual({ exitCode: 0, failures: [], errors: [], output: '' });
      expect(operations?.tested).toBe(operations?.selected);
    },
    GATE_TIMEOUT_MS,
  );
});
