import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { Pool } from 'pg';
import { topicOf } from '@crm/contracts';
import { createKafka, deadLetterTopicOf, parseBrokers } from '@crm/messaging';
import { sleep } from '@crm/eventsourcing';
import { DEV_JWT_SECRET, DEV_PII_MASTER_KEY, issueToken } from '@crm/platform';
import { deleteTopic, percentile, requiredEnv, type Measurement } from './harness';

/** The contacts, sales and analytics services running for a benchmark, on data of their own (see `withCrm`). */
export interface Crm {
  contactsUrl: string;
  analyticsUrl: string;
  salesUrl: string;
  contacts: Child;
  analytics: Child;
  sales: Child;
  /** An admin token for the services. */
  token: string;
  /** The run's id, in its schema, database and topic names (and in the contact bodies it sends). */
  run: string;
  /** The analytics timeline collection, watched directly (see TimelineWatcher). */
  timeline: mongoose.mongo.Collection;
  /** Waits until the services' relay and consumers have been still for a second. */
  quiet: () => Promise<void>;
  /** Where the services' logs go (kept when the benchmark failed). */
  logDir: string;
  /** Starts another child process beside the services (their environment, its own additions), stopped with them. */
  start: (name: string, args: string[], env: NodeJS.ProcessEnv) => Child;
  /** A PostgreSQL schema to drop at the end. */
  dropAfter: (schema: string) => void;
  /** POSTs a new contact (the n-th of the run, n from 1: 0 was the first one); resolves with its status and id. */
  createContact: (n: number) => Promise<{ status: number; contactId?: string; body: string }>;
}

/**
 * Starts contacts, sales and analytics from dist/ as `npm start` runs them (LOG_LEVEL info, development secrets) on
 * free ports, with schemas, read databases and a topic prefix of their own (analytics consumes both services' topics,
 * so it starts only beside both), sends one contact through to the timeline
 * (analytics has joined its groups), runs `work`, then stops them and drops everything (also on Ctrl-C). The
 * service logs are kept when `work` failed.
 */
export async function withCrm<T>(name: string, work: (crm: Crm) => Promise<T>): Promise<T> {
  const databaseUrl = requiredEnv('DATABASE_URL');
  const kafkaBrokers = requiredEnv('KAFKA_BROKERS');
  const mongodbUri = requiredEnv('MONGODB_URI');
  const run = randomBytes(4).toString('hex');
  const schema = `bench_${name}_${run}`;
  const contactsDb = `bench_${name}_contacts_${run}`;
  const analyticsDb = `bench_${name}_analytics_${run}`;
  const salesSchema = `bench_${name}_sales_${run}`;
  const salesDb = `bench_${name}_sales_${run}`;
  const prefix = `bench_${name}_${run}`;
  const logDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const [contactsPort, analyticsPort, salesPort] = [await freePort(), await freePort(), await freePort()];
  const common = {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    JWT_SECRET: DEV_JWT_SECRET,
    PII_MASTER_KEY: DEV_PII_MASTER_KEY,
    LOG_LEVEL: process.env.BENCH_CONTACTS_LOG_LEVEL ?? 'info',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers,
    MONGODB_URI: mongodbUri,
    KAFKA_TOPIC_PREFIX: prefix,
  };
  // BENCH_CONTACTS_NODE_ARGS: extra Node options for the two services, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = ['--enable-source-maps', ...(process.env.BENCH_CONTACTS_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const dist = join(__dirname, '..');
  const children: Child[] = [];
  const schemas = [schema, salesSchema];
  const mongo = await mongoose.createConnection(mongodbUri, { dbName: analyticsDb }).asPromise();
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await Promise.all(children.map((child) => child.stop()));
      await mongo.dropDatabase().catch(() => undefined);
      for (const db of [contactsDb, salesDb])
        await mongo
          .useDb(db)
          .dropDatabase()
          .catch(() => undefined);
      await mongo.close().catch(() => undefined);
      const pool = new Pool({ connectionString: databaseUrl, max: 1 });
      for (const each of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${each}" CASCADE`).catch(() => undefined);
      await pool.end();
      const kafka = createKafka({ brokers: parseBrokers(kafkaBrokers), clientId: `bench-${name}-cleanup` });
      for (const topic of [topicOf('contacts', prefix), topicOf('sales', prefix)])
        for (const each of [topic, deadLetterTopicOf(topic)]) await deleteTopic(kafka, each);
    })());
  const interrupted = () => {
    console.error('\nInterrupted: stopping the services and dropping the bench data...');
    void cleanup().finally(() => process.exit(130));
  };
  const killAll = () => children.forEach((child) => child.running && child.process.kill('SIGKILL'));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  process.once('exit', killAll);
  let succeeded = false;
  try {
    const contacts = Child.start(
      'contacts',
      [...nodeArgs, join(dist, 'services/contacts/src/main.js')],
      {
        ...common,
        EVENT_STORE: 'postgres',
        PORT: String(contactsPort),
        SERVICE_NAME: 'contacts',
        CONTACTS_DB_SCHEMA: schema,
        CONTACTS_READ_DB: contactsDb,
        SUBJECT_KEYS_SCHEMA: schema,
      },
      logDir,
    );
    children.push(contacts);
    const sales = Child.start(
      'sales',
      [...nodeArgs, join(dist, 'services/sales/src/main.js')],
      {
        ...common,
        EVENT_STORE: 'postgres',
        PORT: String(salesPort),
        SERVICE_NAME: 'sales',
        SALES_DB_SCHEMA: salesSchema,
        SALES_READ_DB: salesDb,
        SUBJECT_KEYS_SCHEMA: schema,
      },
      logDir,
    );
    children.push(sales);
    const analytics = Child.start(
      'analytics',
      [...nodeArgs, join(dist, 'services/analytics/src/main.js')],
      {
        ...common,
        PORT: String(analyticsPort),
        SERVICE_NAME: 'analytics',
        ANALYTICS_READ_DB: analyticsDb,
        SUBJECT_KEYS_SCHEMA: schema,
      },
      logDir,
    );
    children.push(analytics);
    const contactsUrl = `http://127.0.0.1:${contactsPort}`;
    const analyticsUrl = `http://127.0.0.1:${analyticsPort}`;
    const salesUrl = `http://127.0.0.1:${salesPort}`;
    await Promise.all([
      waitForHealth(contacts, `${contactsUrl}/health/ready`),
      waitForHealth(sales, `${salesUrl}/health/ready`),
      waitForHealth(analytics, `${analyticsUrl}/health/ready`),
    ]);
    const token = issueToken({ sub: 'bench', roles: ['admin'] }, DEV_JWT_SECRET, '2h');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const createContact = async (n: number) => {
      const response = await fetch(`${contactsUrl}/v1/contacts`, {
        method: 'POST',
        headers,
        body: JSON.stringify(contactBody(n, run)),
      });
      const body = await response.text();
      const contactId = response.status === 201 ? (JSON.parse(body) as { contactId: string }).contactId : undefined;
      return { status: response.status, contactId, body };
    };
    const timeline = mongo.db!.collection('timeline');
    // The whole path once: analytics consumes only once its projections have joined.
    const first = await createContact(0);
    if (!first.contactId) throw new Error(`The first create answered ${first.status}: ${first.body}`);
    const watcher = new TimelineWatcher(timeline);
    watcher.expect(first.contactId, performance.now(), []);
    const missing = await watcher.settle(90_000);
    await watcher.stop();
    if (missing > 0) throw new Error(`The first contact never reached the timeline:\n${analytics.tail()}`);
    const crm: Crm = {
      contactsUrl,
      analyticsUrl,
      salesUrl,
      contacts,
      analytics,
      sales,
      token,
      run,
      timeline,
      logDir,
      start: (child, args, env) => {
        const started = Child.start(child, args, { ...common, ...env }, logDir);
        children.push(started);
        return started;
      },
      dropAfter: (other) => void schemas.push(other),
      quiet: () => settle([contactsUrl, analyticsUrl, salesUrl]),
      createContact,
    };
    const result = await work(crm);
    succeeded = true;
    return result;
  } finally {
    await cleanup();
    if (succeeded) rmSync(logDir, { recursive: true, force: true });
    else console.error(`Service logs: ${logDir}`);
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    process.removeListener('exit', killAll);
  }
}

// autocannon ships no types: the part used here.
interface CannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
interface CannonResult {
  duration: number;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number; mean: number; max: number };
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: {
    setupRequest: (request: CannonRequest) => CannonRequest;
    onResponse?: (status: number, body: string) => void;
  }[];
}) => Promise<CannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon: Autocannon = require('autocannon');

const STAGES = ['lead', 'customer', 'subscriber', 'opportunity'] as const;

export interface ContactBody {
  contactId: string;
  name: { given: string; family: string };
  emails: { address: string; primary?: boolean }[];
  phones: { number: string; primary?: boolean }[];
  country: string;
  locale: string;
  timezone: string;
  jobTitle: string;
  lifecycleStage: (typeof STAGES)[number];
  tags: string[];
  source: string;
}

/** A distinct, valid contact per n (Swiss mobile numbers +41 78 ... are valid for libphonenumber). */
export const contactBody = (n: number, run: string): ContactBody => ({
  contactId: randomUUID(),
  name: { given: ['Ada', 'Grace', 'Alan', 'Edsger'][n % 4], family: `Bench${n}` },
  emails: [{ address: `bench.${n}.${run}@example.com` }],
  phones: [{ number: `+4178${String(n % 1e7).padStart(7, '0')}` }],
  country: 'CH',
  locale: 'de-CH',
  timezone: 'Europe/Zurich',
  jobTitle: 'Engineer',
  lifecycleStage: STAGES[n % STAGES.length],
  tags: ['bench', `t${n % 10}`],
  source: 'bench',
});

export interface PhaseResult {
  measurement: Measurement;
  result: CannonResult;
}

/** One autocannon phase; `request(n)` gives the n-th request (n counts from 0 across connections). */
export async function cannon(
  name: string,
  url: string,
  token: string,
  request: (n: number) => { method: string; path: string; body?: unknown },
  onResponse: ((status: number, body: string) => void) | undefined,
  seconds: number,
  connections: number,
): Promise<PhaseResult> {
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (base) => {
          const { method, path, body } = request(n++);
          return {
            ...base,
            method,
            path,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          };
        },
        ...(onResponse ? { onResponse } : {}),
      },
    ],
  });
  const measurement: Measurement = {
    name,
    units: result['2xx'],
    seconds: result.duration,
    perSecond: result['2xx'] / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  };
  return { measurement, result };
}

/** Watches the analytics timeline for the ContactCreated entries of contacts whose create has been answered. */
export class TimelineWatcher {
  private readonly pending = new Map<string, { at: number; series: number[] }>();
  private polls = 0;
  private pollMs = 0;
  private stopped = false;
  /** Between polls: each is a query (a collection scan on mongo-java-server) that takes CPU from the services. */
  sleepMs = 5;
  private readonly running: Promise<void>;

  constructor(private readonly timeline: mongoose.mongo.Collection) {
    this.running = this.run();
  }

  expect(contactId: string, answeredAt: number, series: number[]): void {
    this.pending.set(contactId, { at: answeredAt, series });
  }

  get waiting(): number {
    return this.pending.size;
  }

  async settle(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (this.pending.size > 0 && performance.now() < deadline) await sleep(20);
    return this.pending.size;
  }

  summary() {
    return { polls: this.polls, meanPollRoundTripMs: round(this.pollMs / Math.max(1, this.polls)) };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.pending.size === 0) {
        await sleep(this.sleepMs);
        continue;
      }
      const started = performance.now();
      const docs = await this.timeline
        .find(
          { customerId: { $in: [...this.pending.keys()].slice(0, 500) }, type: 'ContactCreated' },
          { projection: { _id: 0, customerId: 1 } },
        )
        .toArray();
      const now = performance.now();
      this.polls++;
      this.pollMs += now - started;
      for (const { customerId } of docs) {
        const waiting = this.pending.get(customerId as string);
        if (!waiting) continue;
        waiting.series.push(now - waiting.at);
        this.pending.delete(customerId as string);
      }
      await sleep(this.sleepMs);
    }
  }
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

export const round = (value: number) => Number(value.toFixed(1));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A child process with its output in a log file; stopped with SIGTERM, then SIGKILL after 10 s. */
export class Child {
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => process.once('exit', () => resolve()));
  }

  static start(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Child {
    const logFile = join(logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    try {
      return new Child(name, spawn(process.execPath, args, { env, stdio: ['ignore', fd, fd] }), logFile);
    } finally {
      closeSync(fd);
    }
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  tail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    const killer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
  }
}

export async function waitForHealth(child: Child, url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.name} exited during start:\n${child.tail()}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${child.name} not ready after ${timeoutMs / 1000} s (${url}):\n${child.tail()}`);
}

const WORK_COUNTERS = [
  'crm_relay_events_published_total',
  'crm_projection_events_applied_total',
  'crm_consumer_events_handled_total',
];

/** Waits until the services' relay and consumer counters (their /metrics) have not moved for a second. */
export async function settle(urls: readonly string[], timeoutMs = 120_000): Promise<void> {
  const work = async () =>
    (await Promise.all(urls.map(async (url) => (await fetch(`${url}/metrics`)).text())))
      .join('\n')
      .split('\n')
      .filter((line) => WORK_COUNTERS.some((counter) => line.startsWith(counter)))
      .join('\n');
  const deadline = performance.now() + timeoutMs;
  let before = await work();
  while (performance.now() < deadline) {
    await sleep(1_000);
    const now = await work();
    if (now === before) return;
    before = now;
  }
  throw new Error(`The services were still busy ${timeoutMs / 1000} s after a phase`);
}

/** Waits until the timeline holds `expected()` entries (every create and effective update); seconds waited. */
export async function drain(timeline: mongoose.mongo.Collection, expected: () => number, timeoutMs = 180_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if ((await timeline.countDocuments({})) >= expected()) return round((performance.now() - started) / 1000);
    await sleep(100);
  }
  throw new Error(`The timeline did not catch up within ${timeoutMs / 1000} s (expected ${expected()} entries)`);
}
