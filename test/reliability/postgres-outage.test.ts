import { createServer, connect, type Server, type Socket } from 'node:net';
import { Pool } from 'pg';
import { testToken } from '@crm/platform/testing';
import { HttpClient } from '../e2e/http-client';
import { ServicePair } from '../e2e/service-pair';
import { freePort } from '../e2e/service-process';

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
  const pair = new ServicePair('outage');
  const { run } = pair;
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
      if (Date.now() > deadline) throw new Error(`Timed out: ${what}\n${pair.services.map((s) => s.output(30)).join('\n\n')}`);
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
    await pair.start({ DATABASE_URL: proxied.toString() });
    contacts = new HttpClient(pair.contacts.url, testToken(['sales'], 'outage-test'));
    analytics = new HttpClient(pair.analytics.url, testToken(['analyst'], 'outage-test'));
  }, 180000);

  afterAll(async () => {
    await proxy.open().catch(() => undefined); // open again if a failure left it cut: the clean-up goes direct anyway
    await pair.stop();
    await proxy.cut();
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
    expect((await fetch(`${pair.contacts.url}/health/ready`)).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the relay, its lease and the consumers meet the outage
    expect(pair.services.filter((service) => !service.running).map((service) => service.output())).toEqual([]);

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
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const { rows } = await pool
      .query<{ stream_name: string }>(
        `SELECT DISTINCT stream_name FROM "${pair.schema}".events WHERE stream_name LIKE 'contact-%' ORDER BY 1`,
      )
      .finally(() => pool.end());
    expect(rows.map((row) => row.stream_name).sort()).toEqual([`contact-${before}`, `contact-${after}`].sort());
    const listed = async () =>
      (await contacts.expect<{ items: { contactId: string }[] }>(200, 'GET', `/v1/contacts?q=outage${run}`)).body.items
        .map((item) => item.contactId)
        .sort();
    await eventually('both in the contact list', async () => (await listed()).length === 2);
    expect(await listed()).toEqual([before, after].sort());
    expect(pair.services.filter((service) => !service.running).map((service) => service.output())).toEqual([]);
  }, 180000);
});
