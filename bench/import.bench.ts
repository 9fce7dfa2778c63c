import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { Pool } from 'pg';
import { topicOf } from '@crm/contracts';
import { sleep } from '@crm/eventsourcing';
import { createKafka, deadLetterTopicOf, parseBrokers } from '@crm/messaging';
import { DEV_JWT_SECRET, DEV_PII_MASTER_KEY, issueToken } from '@crm/platform';
import { Child, freePort, round, waitForHealth } from './crm';
import { deleteTopic, recordTarget, report, requiredEnv } from './harness';
import { CpuMeter } from './proc';

/**
 * A large contacts import into a large store (`npm run bench -- import`): the figure of issue 16. The contacts
 * service runs alone from dist/ (as `npm start` runs it, LOG_LEVEL warn, development secrets) with a schema, read
 * database and topic prefix of its own, dropped at the end. First the store is filled with STORE contacts by an
 * import of STORE rows (the service's own path, the fastest honest one: every contact goes through its commands,
 * the relay and the contact list), and the list is awaited until it holds them all. Then the measured import of
 * ROWS rows: every other row an existing contact found by e-mail (a new job title: an update), the others new
 * contacts (a create), each with an e-mail address and a mobile number. Reported: rows/s per tenth of the rows
 * (from the job's `rowsRead`, polled every half second), last tenth / first tenth (target >= 0.5), total time
 * (target < 10 min), the contacts process's peak resident memory (VmHWM from /proc, over its whole life, the fill
 * included: target < 512 MiB) and its CPU per row (/proc), with the load average.
 */
const STORE = Number(process.env.BENCH_IMPORT_STORE ?? 100_000);
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const TARGETS = { lastToFirst: 0.5, totalSeconds: 600, peakMiB: 512 };
const POLL_MS = 500;

const header = 'givenName,familyName,email,phone,jobTitle,country\n';
const mobile = (block: number, n: number) => `+4179${block}${String(n).padStart(6, '0')}`;
const fillRow = (i: number) => `Ada${i},Store,store${i}@bench.example,${mobile(1, i)},Engineer,CH\n`;
// Even rows: the stored contact i by its e-mail address; odd rows: a new contact.
const importRow = (i: number) =>
  i % 2 === 0
    ? `Ada${i},Store,store${i}@bench.example,,Lead engineer,\n`
    : `Bob${i},New,new${i}@bench.example,${mobile(2, i)},Analyst,CH\n`;

interface Progress {
  seconds: number;
  rowsRead: number;
}

interface Job {
  jobId: string;
  status: string;
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  badRows?: unknown[];
  failureReason?: string;
}

function peakMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((each) => each.startsWith('VmHWM:'));
  return round(Number(line?.match(/(\d+)/)?.[1] ?? NaN) / 1024);
}

/** Rows/s in each tenth of `total`, from (time, rows done) samples, interpolated at each tenth's boundary. */
export function ratesPerTenth(samples: readonly Progress[], total: number): number[] {
  const timeAt = (rows: number) => {
    const after = samples.findIndex((sample) => sample.rowsRead >= rows);
    if (after <= 0) return after === 0 ? samples[0].seconds : NaN;
    const [a, b] = [samples[after - 1], samples[after]];
    return a.seconds + ((rows - a.rowsRead) / (b.rowsRead - a.rowsRead)) * (b.seconds - a.seconds);
  };
  return Array.from({ length: 10 }, (_, tenth) => {
    const [from, to] = [(total * tenth) / 10, (total * (tenth + 1)) / 10];
    return round((to - from) / (timeAt(to) - (tenth === 0 ? 0 : timeAt(from))));
  });
}

export async function importBenchmark(): Promise<void> {
  const databaseUrl = requiredEnv('DATABASE_URL');
  const kafkaBrokers = requiredEnv('KAFKA_BROKERS');
  const mongodbUri = requiredEnv('MONGODB_URI');
  const run = randomBytes(4).toString('hex');
  const schema = `bench_import_${run}`;
  const readDb = `bench_import_contacts_${run}`;
  const prefix = `bench_import_${run}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const contacts = Child.start(
    'contacts',
    ['--enable-source-maps', join(__dirname, '..', 'services/contacts/src/main.js')],
    {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      JWT_SECRET: DEV_JWT_SECRET,
      PII_MASTER_KEY: DEV_PII_MASTER_KEY,
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers,
      MONGODB_URI: mongodbUri,
      KAFKA_TOPIC_PREFIX: prefix,
      EVENT_STORE: 'postgres',
      PORT: String(port),
      SERVICE_NAME: 'contacts',
      CONTACTS_DB_SCHEMA: schema,
      CONTACTS_READ_DB: readDb,
      SUBJECT_KEYS_SCHEMA: schema,
      CONTACTS_IMPORT_MAX_ROWS: String(Math.max(STORE, ROWS)),
    },
    dir,
  );
  const mongo = await mongoose.createConnection(mongodbUri, { dbName: readDb }).asPromise();
  const cleanup = async () => {
    await contacts.stop();
    await mongo.dropDatabase().catch(() => undefined);
    await mongo.close().catch(() => undefined);
    const pool = new Pool({ connectionString: databaseUrl, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
    const kafka = createKafka({ brokers: parseBrokers(kafkaBrokers), clientId: 'bench-import-cleanup' });
    const topic = topicOf('contacts', prefix);
    for (const each of [topic, deadLetterTopicOf(topic)]) await deleteTopic(kafka, each);
  };
  let succeeded = false;
  try {
    await waitForHealth(contacts, `${url}/health/ready`);
    const token = issueToken({ sub: 'bench', roles: ['admin'] }, DEV_JWT_SECRET, '4h');
    const headers = { authorization: `Bearer ${token}` };

    /** Uploads `lines` as one import and follows it to its end, sampling its progress. */
    const runImport = async (name: string, count: number, line: (i: number) => string) => {
      const file = join(dir, `${name}.csv`);
      writeFileSync(file, header + Array.from({ length: count }, (_, i) => line(i)).join(''));
      const started = performance.now();
      const posted = await fetch(`${url}/v1/imports?kind=contacts`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: readFileSync(file),
      });
      if (posted.status !== 202) throw new Error(`${name}: POST /v1/imports answered ${posted.status}: ${await posted.text()}`);
      const { jobId } = (await posted.json()) as Job;
      const samples: Progress[] = [];
      for (;;) {
        await sleep(POLL_MS);
        const job = (await (await fetch(`${url}/v1/imports/${jobId}`, { headers })).json()) as Job;
        samples.push({ seconds: (performance.now() - started) / 1000, rowsRead: job.rowsRead });
        if (job.status === 'completed' || job.status === 'failed') {
          if (job.status === 'failed' || job.failed > 0)
            throw new Error(`${name}: ${job.status} (${job.failureReason ?? ''}) ${JSON.stringify(job.badRows?.slice(0, 3))}`);
          return { job, samples, seconds: round((performance.now() - started) / 1000) };
        }
      }
    };

    console.log(`import bench: filling the store with ${STORE} contacts by an import (service log: ${dir})`);
    const fill = await runImport('fill', STORE, fillRow);
    const list = mongo.collection('contact_list');
    const listStarted = performance.now();
    while ((await list.countDocuments({})) < STORE) await sleep(1_000);
    const listWaitSeconds = round((performance.now() - listStarted) / 1000);
    const peakAfterFillMiB = peakMiB(contacts.process.pid!);
    console.log(
      `  filled: ${fill.seconds} s (${round(STORE / fill.seconds)} rows/s; the list complete ${listWaitSeconds} s later), ` +
        `rows/s per tenth ${ratesPerTenth(fill.samples, STORE).join(' ')}; peak RSS so far ${peakAfterFillMiB} MiB`,
    );

    const loadBefore = loadavg().map((load) => Number(load.toFixed(2)));
    const cpu = new CpuMeter({ contacts: contacts.process.pid! });
    cpu.start();
    const measured = await runImport('import', ROWS, importRow);
    const { cpuSeconds } = cpu.stop();
    const loadAfter = loadavg().map((load) => Number(load.toFixed(2)));
    const tenths = ratesPerTenth(measured.samples, ROWS);
    const lastToFirst = round(tenths[9] / tenths[0]);
    const peak = peakMiB(contacts.process.pid!);
    const { created, updated, unchanged, failed } = measured.job;

    console.log(`\n${ROWS}-row import into a store of ${STORE} contacts (half updates by e-mail, half creates)`);
    console.table(Object.fromEntries(tenths.map((rate, tenth) => [`tenth ${tenth + 1}`, { 'rows/s': rate }])));
    const figures = {
      totalSeconds: measured.seconds,
      rowsPerSecond: round(ROWS / measured.seconds),
      lastTenthToFirst: lastToFirst,
      peakRssMiB: peak,
      cpuMsPerRow: round((cpuSeconds.contacts * 1000) / ROWS),
      counts: { created, updated, unchanged, failed },
    };
    recordTarget({
      target: `import ${ROWS} rows into ${STORE}: last tenth / first tenth >= ${TARGETS.lastToFirst}`,
      figure: `${lastToFirst} (${tenths[9]} / ${tenths[0]} rows/s)`,
      baseline: 'before: 31/111 = 0.28 (20,000 rows)',
      met: lastToFirst >= TARGETS.lastToFirst,
    });
    recordTarget({
      target: `import ${ROWS} rows into ${STORE}: total < ${TARGETS.totalSeconds / 60} min`,
      figure: `${measured.seconds} s`,
      baseline: 'before: 392 s for 20,000 rows',
      met: measured.seconds < TARGETS.totalSeconds,
    });
    recordTarget({
      target: `import: contacts process peak RSS < ${TARGETS.peakMiB} MiB`,
      figure: `${peak} MiB`,
      baseline: 'new',
      met: peak < TARGETS.peakMiB,
    });
    report('import', [], {
      settings: { store: STORE, rows: ROWS },
      fill: { seconds: fill.seconds, listWaitSeconds, tenths: ratesPerTenth(fill.samples, STORE), peakRssMiB: peakAfterFillMiB },
      tenths,
      ...figures,
      loadAverage: { before: loadBefore, after: loadAfter },
    });
    succeeded = true;
  } finally {
    await cleanup();
    if (succeeded) rmSync(dir, { recursive: true, force: true });
    else console.error(`Service log and files: ${dir}`);
  }
}
