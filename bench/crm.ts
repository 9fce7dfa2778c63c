import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { Pool } from 'pg';
import { topicOf } from '@crm/contracts';
import { createKafka, deadLetterTopicOf, parseBrokers } from '@crm/messaging';
import { DEV_JWT_SECRET, DEV_PII_MASTER_KEY, issueToken } from '@crm/platform';
import { Child, contactBody, freePort, settle, TimelineWatcher, waitForHealth } from './contacts.bench';
import { deleteTopic, requiredEnv } from './harness';

/** The contacts and analytics services running for a benchmark, on data of their own (see `withCrm`). */
export interface Crm {
  contactsUrl: string;
  analyticsUrl: string;
  contacts: Child;
  analytics: Child;
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
 * Starts contacts and analytics from dist/ as `npm start` runs them (LOG_LEVEL info, development secrets) on free
 * ports, with a schema, read databases and a topic prefix of their own, sends one contact through to the timeline
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
  const prefix = `bench_${name}_${run}`;
  const logDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const [contactsPort, analyticsPort] = [await freePort(), await freePort()];
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
  const schemas = [schema];
  const mongo = await mongoose.createConnection(mongodbUri, { dbName: analyticsDb }).asPromise();
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await Promise.all(children.map((child) => child.stop()));
      await mongo.dropDatabase().catch(() => undefined);
      await mongo
        .useDb(contactsDb)
        .dropDatabase()
        .catch(() => undefined);
      await mongo.close().catch(() => undefined);
      const pool = new Pool({ connectionString: databaseUrl, max: 1 });
      for (const each of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${each}" CASCADE`).catch(() => undefined);
      await pool.end();
      const kafka = createKafka({ brokers: parseBrokers(kafkaBrokers), clientId: `bench-${name}-cleanup` });
      const topic = topicOf('contacts', prefix);
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
    await Promise.all([
      waitForHealth(contacts, `${contactsUrl}/health/ready`),
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
      contacts,
      analytics,
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
      quiet: () => settle([contactsUrl, analyticsUrl]),
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
