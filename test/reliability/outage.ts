import { testToken } from '@crm/platform/nest/testing';
import { HttpClient, type HttpResponse } from '../e2e/http-client';
import { ServiceSet } from '../e2e/service-set';
import { proxied, type CuttableProxy } from './cuttable-proxy';

const DEFAULT_PORTS = { DATABASE_URL: 5432, MONGODB_URI: 27017 } as const;

/**
 * Contacts and analytics as processes whose PostgreSQL or MongoDB is reached through a proxy the test cuts, and
 * what the outage tests ask of them.
 */
export class OutageRun {
  readonly pair: ServiceSet;
  proxy!: CuttableProxy;
  contacts!: HttpClient;
  analytics!: HttpClient;

  constructor(name: string) {
    this.pair = new ServiceSet(name);
  }

  /** Starts both services with `variable`'s server behind the proxy (the other servers are reached directly). */
  async start(variable: keyof typeof DEFAULT_PORTS): Promise<void> {
    const server = await proxied(process.env[variable]!, DEFAULT_PORTS[variable]);
    this.proxy = server.proxy;
    await this.pair.start({ [variable]: server.url });
    this.contacts = new HttpClient(this.pair.contacts.url, testToken(['sales'], 'outage-test'));
    this.analytics = new HttpClient(this.pair.analytics.url, testToken(['analyst'], 'outage-test'));
  }

  async stop(): Promise<void> {
    await this.proxy?.open().catch(() => undefined); // open again if a failure left it cut
    await this.pair.stop();
    await this.proxy?.cut();
  }

  /** A person of this run: found by `listed()`. */
  person(name: string) {
    return {
      name: { given: name, family: `Outage${this.pair.run}` },
      emails: [{ address: `${name}.${this.pair.run}@example.com` }],
    };
  }

  async create(name: string): Promise<string> {
    return (await this.contacts.expect<{ contactId: string }>(201, 'POST', '/v1/contacts', this.person(name))).body.contactId;
  }

  async timelineOf(id: string): Promise<{ type: string }[]> {
    return (await this.analytics.expect<{ items: { type: string }[] }>(200, 'GET', `/v1/customers/${id}/timeline`)).body.items;
  }

  /** The ids the contact list shows for this run's people, sorted. */
  async listed(): Promise<string[]> {
    const page = await this.contacts.expect<{ items: { contactId: string }[] }>(
      200,
      'GET',
      `/v1/contacts?q=outage${this.pair.run}`,
    );
    return page.body.items.map((item) => item.contactId).sort();
  }

  async eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`Timed out: ${what}\n${this.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The output of the services that exited: none is expected. */
  exited(): string[] {
    return this.pair.started.filter((service) => !service.running).map((service) => service.output());
  }

  private output(): string {
    return this.pair.started.map((service) => service.output(30)).join('\n\n');
  }
}

/** What a request gets while a server the service needs is away. */
export function expectDependencyUnavailable(response: HttpResponse<unknown>): void {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect((response.body as { type?: string }).type).toBe('https://crm.example/problems/dependency-unavailable');
  expect(response.headers.get('retry-after')).toBe('5');
}
