import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Pool } from 'pg';
import { createKafka, deadLetterTopicOf, parseBrokers } from '@crm/messaging';
import { TEST_JWT_SECRET, testToken } from '@crm/platform/testing';
import { removeRunData } from '../e2e/cleanup';
import { HttpClient } from '../e2e/http-client';
import { freePort, startService, type ServiceProcess } from '../e2e/service-process';

/**
 * A TCP proxy in front of PostgreSQL that the test can cut: as if the server went away (connections reset, new
 * ones refused) and came back, for these services only, while the other tests keep the real server.
 */
class CuttableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ]) {
        this.sockets.add(from);
        from.pipe(to);
        from.on('error', () => to.destroy());
        from.on('close', () => {
          this.sockets.delete(from);
          to.destroy();
        });
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  /** Resets every connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.resetAndDestroy();
    await closed;
  }
}

interface Problem {
  type: string;
  status: number;
}

/**
 * PostgreSQL (event store, subject keys, relay checkpoint and lease) goes away under running contacts and analytics
 * services and comes back. Neither process may exit; requests meanwhile get 503 `dependency-unavailable` and write
 * nothing; afterwards writes work again and their events reach the timeline once (no loss, no double).
 */
describe('Given contacts and analytics whose PostgreSQL goes away and comes back', () => {
  const run = randomBytes(3).toString('hex');
  const schema = `outage_${run}`;
  const contactsReadDb = `outage_contacts_${run}`;
  const analyticsDb = `outage_analytics_${run}`;
  const prefix = `outage-${run}`;
  const topic = `${prefix}.contacts`;
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: `outage-${run}` });
  const services: ServiceProcess[] = [];
  let proxy: CuttableProxy;
  let contacts: HttpClient;
  let analytics: HttpClient;

  const person = (name: string) => ({
    name: { given: name, family: `Outage${run}` },
    emails: [{ address: `${name}.${run}@example.com` }],
  });
  const timelineOf = async (id: string) =>
    (await analytics.expect<{ items: { type: string }[] }>(200, 'GET', `/v1/customers/${id}/timeline`)).body.items;
  const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs = 60000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`Timed out: ${what}\n${services.map((s) => s.output(30)).join('\n\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    const database = new URL(process.env.DATABASE_URL!);
    proxy = new CuttableProxy(await freePort(), { host: database.hostname, port: Number(database.port || 5432) });
    await proxy.open();
    const proxied = new URL(database);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const shared = {
      JWT_SECRET: TEST_JWT_SECRET,
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: proxied.toString(),
    };
    services.push(await startService('contacts', { ...shared, CONTACTS_DB_SCHEMA: schema, CONTACTS_READ_DB: contactsReadDb }));
    services.push(await startService('analytics', { ...shared, ANALYTICS_READ_DB: analyticsDb, SUBJECT_KEYS_SCHEMA: schema }));
    contacts = new HttpClient(services[0].url, testToken(['sales'], 'outage-test'));
    analytics = new HttpClient(services[1].url, testToken(['analyst'], 'outage-test'));
  }, 180000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await proxy.cut();
    const problems = await removeRunData({
      pool,
      schema,
      mongoUri: process.env.MONGODB_URI!,
      databases: [contactsReadDb, analyticsDb],
      kafka,
      topics: [topic, deadLetterTopicOf(topic)],
    });
    if (problems.length > 0) console.warn(`outage test clean-up left something behind:\n${problems.join('\n')}`);
    await pool.end();
  }, 60000);

  it('then nothing exits, requests during the outage get 503 and write nothing, and every write after it reaches the timeline once', async () => {
    const before = (await contacts.expect<{ contactId: string }>(201, 'POST', '/v1/contacts', person('ada'))).body.contactId;
    await eventually('the first contact in the timeline', async () => (await timelineOf(before)).length === 1);

    await proxy.cut();
    const during = await contacts.request<Problem>('POST', '/v1/contacts', person('bob'));
    expect(during.status).toBe(503);
    expect(during.headers.get('content-type')).toContain('application/problem+json');
    expect(during.body.type).toBe('https://crm.example/problems/dependency-unavailable');
    expect(during.headers.get('retry-after')).toBe('5');
    expect((await contacts.request<Problem>('GET', `/v1/contacts/${before}`)).status).toBe(503);
    expect((await fetch(`${services[0].url}/health/ready`)).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the relay, its lease and the consumers meet the outage
    expect(services.filter((service) => !service.running).map((service) => service.output())).toEqual([]);

    await proxy.open();
    let after = '';
    await eventually('a create once PostgreSQL is back', async () => {
      const response = await contacts.request<{ contactId: string }>('POST', '/v1/contacts', person('cleo'));
      if (response.status === 201) after = response.body.contactId;
      return response.status === 201;
    });
    await eventually('the contact created after the outage in the timeline', async () => (await timelineOf(after)).length === 1);
    expect(await timelineOf(before)).toHaveLength(1); // not doubled by the relay's or the consumers' restarts

    // The refused create wrote nothing: only the two others are in the store.
    const { rows } = await pool.query<{ stream_name: string }>(
      `SELECT DISTINCT stream_name FROM "${schema}".events WHERE stream_name LIKE 'contact-%' ORDER BY 1`,
    );
    expect(rows.map((row) => row.stream_name).sort()).toEqual([`contact-${before}`, `contact-${after}`].sort());
    const listed = async () =>
      (await contacts.expect<{ items: { contactId: string }[] }>(200, 'GET', `/v1/contacts?q=outage${run}`)).body.items
        .map((item) => item.contactId)
        .sort();
    await eventually('both in the contact list', async () => (await listed()).length === 2);
    expect(await listed()).toEqual([before, after].sort());
    expect(services.filter((service) => !service.running).map((service) => service.output())).toEqual([]);
  }, 180000);
});
