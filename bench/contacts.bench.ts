import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { crmContracts, type ContactCreatedData } from '@crm/contracts';
import { newId, PostgresEventStore, sleep } from '@crm/eventsourcing';
import { parseMasterKey, PersonalDataVault, PostgresSubjectKeyStore } from '@crm/privacy';
import { compare, report, requiredEnv } from './harness';
import {
  cannon as drive,
  contactBody,
  drain,
  freePort,
  round,
  settle,
  stats,
  TimelineWatcher,
  waitForHealth,
  withCrm,
  type ContactBody,
} from './crm';

/**
 * The contacts HTTP API under load, beside a raw baseline in the same run (`npm run bench:contacts`).
 *
 * The contacts and analytics services run as child processes from dist/ (as `npm start` runs them, LOG_LEVEL
 * info, the development secrets) on free ports, with a schema, read databases and a topic prefix of their own, so
 * the user's data is never touched; everything is dropped at the end (also on Ctrl-C). autocannon (in this
 * process) drives each phase for SECONDS with CONNECTIONS connections: POST /v1/contacts with a distinct body per
 * request, PATCH of the contacts created (a distinct jobTitle each, so each one records an event), GET by id,
 * and a list page (filter + sort, three variants in turn). Latencies are autocannon's (2xx responses only).
 * Every phase starts from quiet services (their relay and consumer counters in /metrics still for a second), so
 * none pays for the relay and projections still working off the one before.
 *
 * Baseline: a bare Fastify server in its own process with one route, POST /v1/contacts, which turns the same
 * body into the same ContactCreated event (the service's defaults, e-mails lower-cased, one primary), checks
 * it against its contract (`crmContracts.prepareForAppend`, as the service's repository does), seals the
 * personal data with a new per-person key (PersonalDataVault over the PostgreSQL key store: one key insert
 * per contact, as in the service) and appends it with PostgresEventStore (`no_stream`), then answers 201 with
 * the id. It does not: verify a JWT, run class-validator or the phone/locale normalization (the bench's
 * phones are already E.164), read the stream before appending (the service's repository loads it to decide),
 * claim an idempotency key, log the request, record metrics, run a relay, projections or Kafka beside it,
 * or build the contact view. Its schema is not relayed anywhere.
 *
 * Timeline lag: from the moment the response of a create is received to the moment its ContactCreated entry is
 * visible in the analytics timeline, observed by polling the analytics MongoDB `timeline` collection directly
 * (`{ customerId: { $in: pending }, type }`, every POLL_MS, every LOADED_POLL_MS during the saturated create phase,
 * where each poll's scan on mongo-java-server would take CPU from the services measured; HTTP polling of /timeline would add the service's
 * own work per poll). Measured at a steady LAG_RATE/s (not saturated) for LAG_COUNT creates, and for every
 * SAMPLE_EVERY-th create of the saturated create phase ("under load").
 */
const SECONDS = Number(process.env.BENCH_CONTACTS_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONTACTS_CONNECTIONS ?? 16);
const WARMUP_SECONDS = 3;
const LAG_COUNT = Number(process.env.BENCH_CONTACTS_LAG_COUNT ?? 500);
const LAG_RATE = Number(process.env.BENCH_CONTACTS_LAG_RATE ?? 50);
const SAMPLE_EVERY = 10;
const POLL_MS = 5;
const LOADED_POLL_MS = 50;
const LOG_LEVEL = process.env.BENCH_CONTACTS_LOG_LEVEL ?? 'info';
const TARGETS = { ratio: 0.5, createsPerSecond: 300, commandP99Ms: 50, lagP99Ms: 250 };

/** One autocannon phase with this benchmark's defaults (see `cannon` in crm.ts). */
const cannon = (
  name: string,
  url: string,
  token: string,
  request: (n: number) => { method: string; path: string; body?: unknown },
  onResponse?: (status: number, body: string) => void,
  seconds = SECONDS,
) => drive(name, url, token, request, onResponse, seconds, CONNECTIONS);

/** Issues `fire(i)` at i / rate seconds after the start, without waiting for earlier ones. */
export async function paced(count: number, rate: number, fire: (i: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    if (due > performance.now()) await sleep(due - performance.now());
    inFlight.push(fire(i));
  }
  await Promise.all(inFlight);
}

export async function contactsBenchmark(): Promise<void> {
  await withCrm('contacts', async (crm) => {
    const { contactsUrl, analyticsUrl, token, run, timeline } = crm;
    console.log(
      `contacts bench: ${SECONDS} s per phase, ${CONNECTIONS} connections; service logs in ${crm.logDir} until the end`,
    );
    const baselineSchema = `bench_contacts_base_${run}`;
    crm.dropAfter(baselineSchema);
    const baselineUrl = `http://127.0.0.1:${await freePort()}`;
    const baseline = crm.start('baseline', [__filename, 'baseline'], {
      PORT: new URL(baselineUrl).port,
      BENCH_BASELINE_SCHEMA: baselineSchema,
    });
    await waitForHealth(baseline, `${baselineUrl}/health`);

    const watcher = new TimelineWatcher(timeline);
    // withCrm sent contact 0 through to the timeline already (analytics consumes once its projections have joined).
    let n = 1;
    let timelineEntries = 1;
    const createdIds: string[] = [];
    const create = () => ({ method: 'POST', path: '/v1/contacts', body: contactBody(n++, run) });
    const onCreated = (sample: number[] | undefined) => {
      let answered = 0;
      return (status: number, body: string) => {
        if (status !== 201) return;
        const { contactId } = JSON.parse(body) as { contactId: string };
        createdIds.push(contactId);
        timelineEntries++;
        if (sample && answered++ % SAMPLE_EVERY === 0) watcher.expect(contactId, performance.now(), sample);
      };
    };

    // Warm both sides up.
    await cannon('warm-up', baselineUrl, token, create, undefined, WARMUP_SECONDS);
    await cannon('warm-up', contactsUrl, token, create, onCreated(undefined), WARMUP_SECONDS);
    await drain(timeline, () => timelineEntries);
    // Each phase starts from quiet services: no relay or projection still working off the previous one.
    const quiet = () => settle([contactsUrl, analyticsUrl]);
    await quiet();

    // Steady, unsaturated creates: response → visible in the timeline.
    const steady: number[] = [];
    const steadyLatency: number[] = [];
    let steadyFailed = 0;
    await paced(LAG_COUNT, LAG_RATE, async () => {
      const started = performance.now();
      const response = await fetch(`${contactsUrl}/v1/contacts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(contactBody(n++, run)),
      });
      const body = await response.text();
      const answered = performance.now();
      if (response.status !== 201) {
        steadyFailed++;
        return;
      }
      steadyLatency.push(answered - started);
      timelineEntries++;
      watcher.expect((JSON.parse(body) as { contactId: string }).contactId, answered, steady);
    });
    const steadyMissing = await watcher.settle(30_000);
    await quiet();

    const base = await cannon('bare Fastify + store adapter: POST', baselineUrl, token, create);
    await quiet();
    const underLoad: number[] = [];
    watcher.sleepMs = LOADED_POLL_MS;
    const creates = await cannon('POST /v1/contacts', contactsUrl, token, create, onCreated(underLoad));
    const createsDrainSeconds = await drain(timeline, () => timelineEntries);
    const underLoadMissing = await watcher.settle(30_000);
    watcher.sleepMs = POLL_MS;
    await quiet();

    const ids = [...createdIds];
    const updates = await cannon(
      'PATCH /v1/contacts/{id}',
      contactsUrl,
      token,
      (i) => ({ method: 'PATCH', path: `/v1/contacts/${ids[i % ids.length]}`, body: { jobTitle: `Engineer ${i}` } }),
      (status) => {
        if (status === 200) timelineEntries++;
      },
    );
    const updatesDrainSeconds = await drain(timeline, () => timelineEntries);
    await quiet();
    const getById = await cannon('GET /v1/contacts/{id}', contactsUrl, token, (i) => ({
      method: 'GET',
      path: `/v1/contacts/${ids[(i * 7919) % ids.length]}`,
    }));
    const lists = [
      '/v1/contacts?lifecycleStage[in]=lead,customer&sort=-createdAt&limit=20',
      '/v1/contacts?country=CH&sort=familyName&limit=20',
      '/v1/contacts?q=bench1&limit=20',
    ];
    const list = await cannon('GET /v1/contacts (filter + sort)', contactsUrl, token, (i) => ({
      method: 'GET',
      path: lists[i % lists.length],
    }));
    await watcher.stop();

    const phases = [base, creates, updates, getById, list];
    console.log(`\ncontacts API phases (${SECONDS} s each, ${CONNECTIONS} connections; latency of 2xx responses, ms)`);
    console.table(
      Object.fromEntries(
        phases.map(({ measurement, result }) => [
          measurement.name,
          {
            'req/s': Math.round(measurement.perSecond),
            p50: result.latency.p50,
            p99: result.latency.p99,
            max: result.latency.max,
            '2xx': result['2xx'],
            'non-2xx': result.non2xx,
            errors: result.errors,
          },
        ]),
      ),
    );
    const lag = stats(steady);
    const lagUnderLoad = stats(underLoad);
    console.log('\ntimeline lag, response → entry visible in analytics MongoDB (ms)');
    console.table({
      [`steady ${LAG_RATE}/s`]: lag,
      [`under load (every ${SAMPLE_EVERY}th create, polled every ${LOADED_POLL_MS} ms)`]: lagUnderLoad,
      [`steady: create latency`]: stats(steadyLatency),
    });

    const ratio = creates.measurement.perSecond / base.measurement.perSecond;
    const updateRatio = updates.measurement.perSecond / base.measurement.perSecond;
    const met = (ok: boolean) => (ok ? 'yes' : 'NO');
    const targets = {
      [`creates / baseline >= ${TARGETS.ratio}`]: { value: Number(ratio.toFixed(2)), met: met(ratio >= TARGETS.ratio) },
      [`updates / baseline >= ${TARGETS.ratio}`]: {
        value: Number(updateRatio.toFixed(2)),
        met: met(updateRatio >= TARGETS.ratio),
      },
      [`creates/s >= ${TARGETS.createsPerSecond}`]: {
        value: Math.round(creates.measurement.perSecond),
        met: met(creates.measurement.perSecond >= TARGETS.createsPerSecond),
      },
      [`create p99 < ${TARGETS.commandP99Ms} ms`]: {
        value: creates.result.latency.p99,
        met: met(creates.result.latency.p99 < TARGETS.commandP99Ms),
      },
      [`update p99 < ${TARGETS.commandP99Ms} ms`]: {
        value: updates.result.latency.p99,
        met: met(updates.result.latency.p99 < TARGETS.commandP99Ms),
      },
      [`timeline lag p99 < ${TARGETS.lagP99Ms} ms (steady)`]: { value: lag.p99, met: met(lag.p99 < TARGETS.lagP99Ms) },
    };
    console.log('\nissue 4 targets (replaced by issue 14: see the platform, cpu and steady benchmarks)');
    console.table(targets);
    const failures = phases.reduce((sum, { result }) => sum + result.non2xx + result.errors + result.timeouts, 0) + steadyFailed;
    report(
      'contacts (HTTP API vs bare Fastify + store adapter)',
      [
        compare(creates.measurement, base.measurement, TARGETS.ratio),
        compare(updates.measurement, base.measurement, TARGETS.ratio),
      ],
      {
        settings: { seconds: SECONDS, connections: CONNECTIONS, lagRate: LAG_RATE, lagCount: LAG_COUNT, logLevel: LOG_LEVEL },
        reads: {
          getById: { perSecond: Math.round(getById.measurement.perSecond), ...getById.measurement.latencyMs },
          list: { perSecond: Math.round(list.measurement.perSecond), ...list.measurement.latencyMs },
        },
        timelineLagMs: { steady: lag, underLoad: lagUnderLoad, steadyCreateLatency: stats(steadyLatency) },
        missing: { steady: steadyMissing, underLoad: underLoadMissing },
        timelineCaughtUpSeconds: { afterCreates: createsDrainSeconds, afterUpdates: updatesDrainSeconds },
        targets,
        failedRequests: failures,
        statusCodes: Object.fromEntries(phases.map(({ measurement, result }) => [measurement.name, result.statusCodeStats])),
        poll: { ...watcher.summary(), pollSleepMs: POLL_MS, underLoadPollSleepMs: LOADED_POLL_MS },
        loadAverage: loadavg().map((load) => round(load)),
      },
      { unit: 'requests' },
    );
    if (failures > 0 || steadyMissing > 0 || underLoadMissing > 0)
      throw new Error(`${failures} failed request(s), ${steadyMissing + underLoadMissing} create(s) never seen in the timeline`);
  });
}

/** The baseline server (see the comment at the top), run as `node contacts.bench.js baseline`. */
async function baselineServer(): Promise<void> {
  const databaseUrl = requiredEnv('DATABASE_URL');
  const schema = requiredEnv('BENCH_BASELINE_SCHEMA');
  // Pools as the service has them: the event store's default pool, the key store's pool of 5.
  const store = new PostgresEventStore({ connection: { connectionString: databaseUrl }, schema });
  const keyPool = new Pool({ connectionString: databaseUrl, max: 5 });
  const keys = new PostgresSubjectKeyStore(keyPool, parseMasterKey(requiredEnv('PII_MASTER_KEY')), schema);
  await store.migrate();
  await keys.migrate();
  const vault = new PersonalDataVault(crmContracts, keys);
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.get('/health', async () => ({ status: 'ready' }));
  app.post('/v1/contacts', async (request, reply) => {
    const body = request.body as ContactBody;
    const contactId = body.contactId ?? newId();
    const primary = <T extends { primary?: boolean }>(items: T[]) => {
      const marked = items.findIndex((item) => item.primary);
      return items.map((item, index) => ({ ...item, primary: index === (marked < 0 ? 0 : marked) }));
    };
    const data: ContactCreatedData = {
      contactId,
      name: body.name,
      emails: primary(body.emails.map((email) => ({ ...email, address: email.address.trim().toLowerCase() }))),
      phones: primary(body.phones),
      addresses: [],
      customFields: [],
      lifecycleStage: body.lifecycleStage,
      tags: body.tags,
      country: body.country,
      locale: body.locale,
      timezone: body.timezone,
      jobTitle: body.jobTitle,
      source: body.source,
      at: new Date().toISOString(),
    };
    const event = crmContracts.prepareForAppend({
      type: 'ContactCreated',
      data,
      metadata: { actor: 'bench', correlationId: newId() },
    });
    const [sealed] = await vault.seal([event]);
    await store.append(`contact-${contactId}`, [{ id: newId(), ...sealed }], { expectedRevision: 'no_stream' });
    return reply.code(201).header('etag', '"0"').send({ contactId, revision: 0 });
  });
  await app.listen({ port: Number(requiredEnv('PORT')), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => Promise.all([store.close(), keyPool.end()]).then(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module && process.argv[2] === 'baseline') {
  baselineServer().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
