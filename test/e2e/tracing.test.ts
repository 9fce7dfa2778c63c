import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testToken } from '@crm/platform/nest/testing';
import { HttpClient } from './http-client';
import { ServiceSet } from './service-set';

/** A span as OTLP/HTTP JSON carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
const valueOf = (value: OtlpValue | undefined): unknown => value?.stringValue ?? value?.intValue ?? value?.boolValue;
const attributesOf = (attributes: { key: string; value: OtlpValue }[] = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));

/** An OTLP/HTTP receiver (JSON, as @opentelemetry/exporter-trace-otlp-http sends): what the services export. */
class Collector {
  readonly spans: ReceivedSpan[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') this.receive(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async waitFor(
    what: string,
    find: (spans: ReceivedSpan[]) => ReceivedSpan | undefined,
    timeoutMs = 30000,
  ): Promise<ReceivedSpan> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const span = find(this.spans);
      if (span) return span;
      if (Date.now() > deadline)
        throw new Error(`No span: ${what}. Received:\n${this.spans.map((s) => `${s.service} ${s.kind} ${s.name}`).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private receive(body: {
    resourceSpans: {
      resource: { attributes: { key: string; value: OtlpValue }[] };
      scopeSpans: {
        spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: { key: string; value: OtlpValue }[] })[];
      }[];
    }[];
  }): void {
    for (const { resource, scopeSpans } of body.resourceSpans) {
      const service = String(attributesOf(resource.attributes)['service.name']);
      for (const { spans } of scopeSpans) {
        for (const span of spans)
          this.spans.push({ ...span, service, attributes: attributesOf(span.attributes), links: span.links ?? [] });
      }
    }
  }
}

const isDatabaseSpan = (span: ReceivedSpan, system: string) =>
  span.attributes['db.system'] === system || span.attributes['db.system.name'] === system;

describe('Given contacts and analytics exporting traces over OTLP, when a contact is created within a trace', () => {
  const pair = new ServiceSet('e2e_tracing');
  const { run } = pair;
  const collector = new Collector();
  // The caller's trace: the services continue it (W3C traceparent).
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  let contactId: string;

  beforeAll(async () => {
    await pair.start({ OTEL_EXPORTER_OTLP_ENDPOINT: await collector.start(), OTEL_BSP_SCHEDULE_DELAY: '200' });
    const contacts = new HttpClient(pair.contacts.url, testToken(['sales'], 'e2e-tracing'));
    const { body } = await contacts.expect<{ contactId: string }>(
      201,
      'POST',
      '/v1/contacts',
      { name: { given: 'Trace', family: `Able${run}` }, emails: [{ address: `trace.${run}@example.com` }] },
      { traceparent: `00-${traceId}-${callerSpanId}-01` },
    );
    contactId = body.contactId;
  }, 180000);

  afterAll(async () => {
    await pair.stop();
    await collector.stop();
  }, 60000);

  it('then the contacts service continues the trace: the request span, named by route, and its PostgreSQL queries', async () => {
    const request = await collector.waitFor('POST /v1/contacts in the caller’s trace', (spans) =>
      spans.find((s) => s.service === 'crm-contacts' && s.traceId === traceId && s.kind === SERVER),
    );
    expect(request).toMatchObject({ name: 'POST /v1/contacts', parentSpanId: callerSpanId });
    expect(request.attributes['http.route']).toBe('/v1/contacts');
    const query = await collector.waitFor('a PostgreSQL query in the trace', (spans) =>
      spans.find((s) => s.traceId === traceId && isDatabaseSpan(s, 'postgresql')),
    );
    expect(query.service).toBe('crm-contacts');
  });

  it('then the relay’s publish and the analytics consumer’s batch link to that trace, with the MongoDB writes inside', async () => {
    const linksToTrace = (span: ReceivedSpan) => span.links.some((link) => link.traceId === traceId);
    const publish = await collector.waitFor('the relay publishing the event', (spans) =>
      spans.find((s) => s.service === 'crm-contacts' && s.kind === PRODUCER && linksToTrace(s)),
    );
    expect(publish.name).toBe(`publish ${pair.topic}`);
    expect(publish.attributes['messaging.destination.name']).toBe(pair.topic);

    // Each projection has a batch of its own; those that take the event write it to MongoDB inside theirs.
    const write = await collector.waitFor('a MongoDB insert within an analytics batch linked to the trace', (spans) => {
      const batches = new Set(
        spans.filter((s) => s.service === 'crm-analytics' && s.kind === CONSUMER && linksToTrace(s)).map((s) => s.spanId),
      );
      return spans.find((s) => batches.has(s.parentSpanId ?? '') && isDatabaseSpan(s, 'mongodb') && s.name.startsWith('insert'));
    });
    const processed = collector.spans.find((s) => s.spanId === write.parentSpanId)!;
    expect(processed.name).toBe(`process ${pair.topic}`);
    expect(processed.attributes['messaging.consumer.group.name']).toEqual(expect.stringContaining('projection.'));
    expect(write.traceId).toBe(processed.traceId);
  });

  it('then probes are not traced, requests are named by route, and no span holds the query string', async () => {
    const analytics = new HttpClient(pair.analytics.url, testToken(['analyst'], 'e2e-tracing'));
    await analytics.expect(200, 'GET', `/v1/customers/${contactId}/timeline`, undefined, {
      traceparent: `00-${traceId}-${callerSpanId}-01`,
    });
    const timeline = await collector.waitFor('the timeline request', (spans) =>
      spans.find((s) => s.service === 'crm-analytics' && s.kind === SERVER && s.traceId === traceId),
    );
    expect(timeline.name).toBe('GET /v1/customers/:id/timeline');
    // A search in the trace: its query string holds personal data.
    const contacts = new HttpClient(pair.contacts.url, testToken(['sales'], 'e2e-tracing'));
    await contacts.expect(200, 'GET', `/v1/contacts?q=able${run}`, undefined, {
      traceparent: `00-${traceId}-${callerSpanId}-01`,
    });
    const search = await collector.waitFor('the search request', (spans) =>
      spans.find((s) => s.service === 'crm-contacts' && s.kind === SERVER && s.name === 'GET /v1/contacts'),
    );
    expect(search.attributes['url.query']).toBe('REDACTED');
    // startService polled /health/ready of both until they answered.
    expect(
      collector.spans.filter((s) => String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '').startsWith('/health')),
    ).toEqual([]);
  });

  it('then no span holds the personal data that was sent (names, e-mail)', async () => {
    await collector.waitFor('the analytics batches', (spans) =>
      spans.find((s) => s.service === 'crm-analytics' && s.kind === CONSUMER),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the last export (every 200 ms)
    const exported = JSON.stringify(collector.spans).toLowerCase();
    for (const value of [`able${run}`, `trace.${run}@example.com`]) expect(exported).not.toContain(value);
  });
});
