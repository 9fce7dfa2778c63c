import type { NestExpressApplication } from '@nestjs/platform-express';
import { newId } from '@crm/eventsourcing';
import { createKafka, parseBrokers } from '@crm/messaging';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { testToken } from '@crm/platform/nest/testing';
import type { ServiceConfig } from '@crm/service-kit';
import { createServiceTestApp, serviceTestConfig } from '@crm/service-kit/testing';
import request from 'supertest';
import { ensureTopicsOfServicesNotStarted } from '../../../test/support/source-topics';
import { salesService } from '../src/sales.service';

/**
 * The sales service for a test in its own schema, read database and topic prefix. The topics it reacts to (contacts',
 * for lead conversions) are created first, empty, as their services do when they start: it waits for them.
 */
export async function createSalesTestApp(schema: string): Promise<NestExpressApplication> {
  const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: `${schema}-topics` });
  await ensureTopicsOfServicesNotStarted(kafka, `test-${schema}`, ['sales']);
  return createServiceTestApp(salesService, salesTestConfig(schema));
}

/** The service's configuration for a test: its own schema, read database and topic prefix. */
export const salesTestConfig = (schema: string): ServiceConfig =>
  serviceTestConfig(salesService, {
    SALES_DB_SCHEMA: schema,
    SALES_READ_DB: schema,
    SUBJECT_KEYS_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: `test-${schema}`,
  });

export const sales = `Bearer ${testToken(['sales'])}`;
export const analyst = `Bearer ${testToken(['analyst'])}`;
export const marketing = `Bearer ${testToken(['marketing'])}`;
export const admin = `Bearer ${testToken(['admin'])}`;

/** The sales service against the real PostgreSQL, Kafka and MongoDB-wire servers, and a client of it. */
export function salesApi(name: string) {
  let app: NestExpressApplication;
  const schema = uniqueSchema(`sales_${name}`);
  beforeAll(async () => {
    app = await createSalesTestApp(schema);
  });
  afterAll(async () => {
    await app?.close();
  });
  const http = () => request(app.getHttpServer());
  return {
    get: (path: string, as = analyst) => http().get(path).set('Authorization', as),
    post: (path: string, body?: object, as = sales) =>
      body === undefined ? http().post(path).set('Authorization', as) : http().post(path).set('Authorization', as).send(body),
    patch: (path: string, body: object, as = sales) => http().patch(path).set('Authorization', as).send(body),
    put: (path: string, body: object, as = sales) => http().put(path).set('Authorization', as).send(body),
    anonymous: () => http(),
    /** The running application: for what a test drives below HTTP (a command with a time of its own) or inspects besides the API (its read database). */
    app: () => app,
    /** Its PostgreSQL schema and read database; its topic is `test-<schema>.sales`. */
    schema,
  };
}

export type SalesApi = ReturnType<typeof salesApi>;

/** Three stages with fresh ids: Qualified, Proposal, Negotiation. */
export const stages = () => [
  { stageId: newId(), name: 'Qualified', winProbability: 10, rottingDays: 14 },
  { stageId: newId(), name: 'Proposal', winProbability: 40 },
  { stageId: newId(), name: 'Negotiation', winProbability: 70 },
];

/** The problem+json of a refused request names the field it refuses. */
export function expectProblem(
  response: { status: number; headers: Record<string, string>; body: { errors?: { field: string }[] } },
  status: number,
  field: string,
): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.errors?.map((error) => error.field)).toContain(field);
}

export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
