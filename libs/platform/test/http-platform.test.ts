import { Body, Controller, Get, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import { IsEmail, IsIn, IsInt, MaxLength, Min } from 'class-validator';
import request from 'supertest';
import { gzipSync } from 'node:zlib';
import { WrongExpectedRevisionError } from '@crm/eventsourcing';
import { registerConcurrencyProblem } from '@crm/eventsourcing/nest/concurrency-problem';
import {
  BoundedArray,
  BoundedString,
  BoundedStringArray,
  CurrentPrincipal,
  HealthRegistry,
  ApiJsonResponse,
  IfMatch,
  IsEmailAddress,
  Nested,
  Optional,
  ParseIdPipe,
  Public,
  Roles,
  Access,
} from '@crm/platform/nest';
import {
  currentCorrelation,
  etagOf,
  issueToken,
  PROBLEM_BASE_URI,
  ProblemRegistry,
  type Principal,
  type ProblemDetails,
} from '@crm/platform';
import { createHttpTestApp, TEST_JWT_SECRET, testToken } from '@crm/platform/nest/testing';

class EmailDto {
  @IsEmail()
  @MaxLength(254)
  address!: string;

  @BoundedString(20, { optional: true })
  label?: string;
}

class AddressDto {
  @BoundedString(100)
  city!: string;

  @BoundedString(2, { minLength: 2 })
  country!: string;
}

class CreateContactDto {
  @BoundedString(100)
  name!: string;

  @BoundedArray(5, EmailDto)
  emails!: EmailDto[];

  @Nested(AddressDto, { optional: true })
  address?: AddressDto;

  @Optional()
  @IsInt()
  @Min(0)
  score?: number;

  @BoundedStringArray(10, 30, { optional: true })
  tags?: string[];
}

class SearchContactsQuery {
  @BoundedString(50, { optional: true })
  name?: string;
}

class ContactNotFound extends Error {
  constructor(readonly contactId: string) {
    super(`Contact ${contactId} does not exist`);
  }
}

@Controller('v1/contacts')
class ContactsTestController {
  @Post()
  @Roles('sales')
  create(@Body() contact: CreateContactDto) {
    return { received: contact, isDto: contact instanceof CreateContactDto, correlation: currentCorrelation() };
  }

  @Get()
  @Roles('sales', 'support')
  search(@Query() query: SearchContactsQuery) {
    return { query };
  }

  @Get('notes')
  @Access('read')
  notes() {
    return { notes: [] };
  }

  @Get('revisioned')
  @Access('read')
  revisioned(@Res({ passthrough: true }) response: Response) {
    response.setHeader('ETag', etagOf(3));
    return { revision: 3 };
  }

  @Get('whoami')
  whoami(@CurrentPrincipal() principal: Principal) {
    return { principal, correlation: currentCorrelation() };
  }

  @Public()
  @Get('public/ping')
  ping() {
    return { pong: true };
  }

  @Get('internal/boom')
  boom(): never {
    throw new Error('connection to postgres://admin:hunter2@db failed');
  }

  @Get(':id')
  find(@Param('id') id: string): never {
    throw new ContactNotFound(id);
  }

  @Put(':id')
  @Roles('sales')
  rename(@Param('id') id: string): never {
    throw new WrongExpectedRevisionError(`contact-${id}`, 3, 4);
  }
}

class RenameDto {
  @BoundedString(100, { optional: true, minLength: 1, example: 'Ada' }) name?: string;
  @Optional() @IsIn(['lead', 'customer']) stage?: string;
  @Optional() @IsEmailAddress() email?: string;
}

/** Routes whose OpenAPI document the platform derives from what it does with them. */
@Controller('v1/documented')
class DocumentedTestController {
  @Patch(':id')
  @Access('write')
  @ApiJsonResponse(200, { type: 'object' })
  rename(@Param('id', new ParseIdPipe()) id: string, @Body() body: RenameDto, @IfMatch() expectedRevision: number | undefined) {
    return { id, body, expectedRevision: expectedRevision ?? null };
  }
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BODY_LIMIT = 4096;

describe('HTTP platform', () => {
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;
  let storeUp = true;
  const logLines: Record<string, unknown>[] = [];
  const sales = `Bearer ${testToken(['sales'], 'alice')}`;
  const support = `Bearer ${testToken(['support'], 'bob')}`;
  const admin = `Bearer ${testToken(['admin'], 'root')}`;

  const validContact = () => ({
    name: 'Ada Lovelace',
    emails: [{ address: 'ada@example.com', label: 'work' }],
    address: { city: 'London', country: 'GB' },
    tags: ['vip'],
  });

  const problemOf = (response: request.Response): ProblemDetails => {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return JSON.parse(response.text) as ProblemDetails;
  };
  const fieldsOf = (response: request.Response) => (problemOf(response).errors ?? []).map((e) => e.field).sort();

  beforeAll(async () => {
    const problems = new ProblemRegistry().register(ContactNotFound, {
      status: 404,
      type: 'contact-not-found',
      title: 'Contact not found',
      extensions: (error) => ({ contactId: error.contactId }),
    });
    registerConcurrencyProblem(problems); // what an event-sourced service's EventStoreModule does
    app = await createHttpTestApp({
      controllers: [ContactsTestController, DocumentedTestController],
      platform: {
        serviceName: 'contacts-test',
        problems,
        access: { read: ['analyst', 'support'], write: ['sales'] },
        http: { bodyLimitBytes: BODY_LIMIT },
        logging: { level: 'debug', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } },
      },
    });
    app.get(HealthRegistry).register('event-store', async () => {
      if (!storeUp) throw new Error('ECONNREFUSED 10.0.0.7:5432');
    });
    app.get(HealthRegistry).register('kafka', async () => undefined);
    http = app.getHttpServer();
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('authentication and roles', () => {
    it('answers 401 problem+json with a Bearer challenge when the token is missing', async () => {
      const response = await request(http).get('/v1/contacts').expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="crm"');
      expect(problemOf(response)).toMatchObject({ type: `${PROBLEM_BASE_URI}unauthorized`, status: 401 });
    });

    it('answers 401 invalid_token for a forged, malformed or expired token', async () => {
      const forged = issueToken({ sub: 'mallory', roles: ['admin'] }, 'another-secret-of-at-least-32-chars!!', '1h');
      const expired = issueToken({ sub: 'alice', roles: ['sales'] }, TEST_JWT_SECRET, 1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      for (const authorization of [`Bearer ${forged}`, 'Bearer not.a.jwt', 'Basic YWxpY2U6c2VjcmV0', `Bearer ${expired}`]) {
        const response = await request(http).get('/v1/contacts').set('Authorization', authorization).expect(401);
        expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
        expect(problemOf(response).status).toBe(401);
      }
      const response = await request(http).get('/v1/contacts').set('Authorization', `Bearer ${expired}`);
      expect(problemOf(response).detail).toMatch(/expired/);
    });

    it('answers 403 when the role is missing, 200 with the role, and lets admin through', async () => {
      const forbidden = await request(http).post('/v1/contacts').set('Authorization', support).send(validContact()).expect(403);
      expect(problemOf(forbidden)).toMatchObject({ type: `${PROBLEM_BASE_URI}forbidden`, status: 403 });
      expect(problemOf(forbidden).detail).toContain('sales');
      await request(http).post('/v1/contacts').set('Authorization', sales).send(validContact()).expect(201);
      await request(http).post('/v1/contacts').set('Authorization', admin).send(validContact()).expect(201);
      await request(http).get('/v1/contacts').set('Authorization', support).expect(200);
    });

    it("gives an @Access('read') route the roles the service's access policy names for reading", async () => {
      await request(http).get('/v1/contacts/notes').set('Authorization', support).expect(200);
      await request(http).get('/v1/contacts/notes').set('Authorization', admin).expect(200);
      const forbidden = await request(http).get('/v1/contacts/notes').set('Authorization', sales).expect(403);
      expect(problemOf(forbidden).detail).toContain('analyst');
    });

    it('serves @Public() routes without a token', async () => {
      const response = await request(http).get('/v1/contacts/public/ping').expect(200);
      expect(response.body).toEqual({ pong: true });
    });

    it('puts the principal into the handler and the correlation context as actor', async () => {
      const response = await request(http).get('/v1/contacts/whoami').set('Authorization', sales).expect(200);
      expect(response.body.principal).toEqual({ sub: 'alice', roles: ['sales'] });
      expect(response.body.correlation.actor).toBe('alice');
    });
  });

  describe('validation', () => {
    it('accepts a valid body and turns it into the DTO', async () => {
      const response = await request(http).post('/v1/contacts').set('Authorization', sales).send(validContact()).expect(201);
      expect(response.body.isDto).toBe(true);
      expect(response.body.received).toEqual(validContact());
    });

    it('lists every bad field, nested ones with their full path', async () => {
      const body = {
        name: 'x'.repeat(101),
        emails: [{ address: 'ada@example.com' }, { address: 'not-an-email', label: 'y'.repeat(21), extra: 1 }],
        address: { city: 'London', country: 'GBR' },
        score: 'high',
        tags: ['ok', 't'.repeat(31)],
        nickname: 'Ada',
      };
      const response = await request(http).post('/v1/contacts').set('Authorization', sales).send(body).expect(400);
      const problem = problemOf(response);
      expect(problem).toMatchObject({ type: `${PROBLEM_BASE_URI}validation`, status: 400, instance: '/v1/contacts' });
      expect(fieldsOf(response)).toEqual(
        [
          'name',
          'emails[1].address',
          'emails[1].label',
          'emails[1].extra',
          'address.country',
          'score',
          'tags',
          'nickname',
        ].sort(),
      );
      const messages = Object.fromEntries((problem.errors ?? []).map((e) => [e.field, e.messages.join(' | ')]));
      expect(messages['nickname']).toMatch(/should not exist/);
      expect(messages['name']).toMatch(/100/);
      expect(messages['score']).toMatch(/integer/);
    });

    it('reports missing required fields and non-object nested values', async () => {
      const response = await request(http)
        .post('/v1/contacts')
        .set('Authorization', sales)
        .send({ address: ['London'] })
        .expect(400);
      expect(fieldsOf(response)).toEqual(expect.arrayContaining(['name', 'emails', 'address']));
    });

    it('validates query DTOs too', async () => {
      const response = await request(http)
        .get('/v1/contacts')
        .query({ name: 'n'.repeat(51), page: 2 })
        .set('Authorization', sales);
      expect(response.status).toBe(400);
      expect(fieldsOf(response)).toEqual(['name', 'page']);
    });

    it('rejects operator and dotted keys in the body at any depth', async () => {
      const body = {
        ...validContact(),
        name: { $ne: null },
        emails: [{ address: { $gt: '' } }],
        address: { 'city.name': 'x', country: 'GB' },
      };
      const response = await request(http).post('/v1/contacts').set('Authorization', sales).send(body).expect(400);
      expect(problemOf(response).type).toBe(`${PROBLEM_BASE_URI}validation`);
      expect(fieldsOf(response)).toEqual(['address["city.name"]', 'emails[0].address.$gt', 'name.$ne']);
      expect(problemOf(response).errors?.every((e) => e.in === 'body')).toBe(true);
    });

    it('rejects operator keys in the query string', async () => {
      for (const [query, field] of [
        ['filter[$where]=1', 'filter.$where'],
        ['name[$ne]=x', 'name.$ne'],
      ]) {
        const response = await request(http).get(`/v1/contacts?${query}`).set('Authorization', sales).expect(400);
        expect(problemOf(response).errors).toEqual([{ field, messages: [expect.stringMatching(/\$/)], in: 'query' }]);
      }
    });

    it('refuses __proto__ keys in the query string, which the query parser used to drop silently', async () => {
      for (const [query, field] of [
        ['name[__proto__]=x', 'name[__proto__]'],
        ['__proto__[x]=1', '__proto__[x]'],
        ['__proto__=1', '__proto__'],
      ]) {
        const response = await request(http).get(`/v1/contacts?${query}`).set('Authorization', sales).expect(400);
        expect(problemOf(response).errors).toContainEqual({ field, messages: ['"__proto__" is not allowed'], in: 'query' });
      }
    });

    it('refuses null in an optional field with one message, like a value of the wrong type', async () => {
      const body = { ...validContact(), emails: [{ address: 'ada@example.com', label: null }], address: null, score: null };
      const response = await request(http).post('/v1/contacts').set('Authorization', sales).send(body).expect(400);
      expect(problemOf(response).errors).toEqual([
        { field: 'emails[0].label', messages: ['label must not be null: leave the field out instead'] },
        { field: 'address', messages: ['address must not be null: leave the field out instead'] },
        { field: 'score', messages: ['score must not be null: leave the field out instead'] },
      ]);
      const { address: _address, ...withoutAddress } = validContact();
      await request(http).post('/v1/contacts').set('Authorization', sales).send(withoutAddress).expect(201);
    });

    it('says that input nested too deep is nested too deep, not that it holds operators', async () => {
      let deep: unknown = 'leaf';
      for (let i = 0; i < 40; i++) deep = { a: deep };
      const response = await request(http)
        .post('/v1/contacts')
        .set('Authorization', sales)
        .send({ ...validContact(), name: deep })
        .expect(400);
      expect(problemOf(response).detail).toBe('The input is nested deeper than 32 levels.');
      expect(problemOf(response).errors).toEqual([
        { field: expect.stringMatching(/^name(\.a)+$/), messages: ['input is nested deeper than 32 levels'], in: 'body' },
      ]);
    });

    it('refuses text no database stores: NUL characters and unpaired surrogates', async () => {
      const body = { ...validContact(), name: 'Ada\u0000', tags: ['\ud800vip'] };
      const response = await request(http).post('/v1/contacts').set('Authorization', sales).send(body).expect(400);
      expect(problemOf(response).errors?.map((e) => e.field)).toEqual(['name', 'tags[0]']);
      await request(http).get('/v1/contacts?name=a%00b').set('Authorization', sales).expect(400);
    });

    it('refuses query parameters on a route that takes none, naming them', async () => {
      const response = await request(http).get('/v1/contacts/whoami?asof=yesterday&x=1').set('Authorization', sales).expect(400);
      expect(problemOf(response).errors).toEqual([
        { field: 'asof', messages: ['is not a parameter of this route: it takes none'], in: 'query' },
        { field: 'x', messages: ['is not a parameter of this route: it takes none'], in: 'query' },
      ]);
      await request(http).get('/v1/contacts/whoami').set('Authorization', sales).expect(200);
      await request(http).get('/v1/contacts?name=ada').set('Authorization', sales).expect(200);
    });

    it('authenticates before it inspects input', async () => {
      await request(http).get('/v1/contacts?name[$ne]=x').expect(401);
    });

    it('answers 400 problem for malformed JSON', async () => {
      const response = await request(http)
        .post('/v1/contacts')
        .set('Authorization', sales)
        .set('Content-Type', 'application/json')
        .send('{"name": "Ada",')
        .expect(400);
      expect(problemOf(response)).toMatchObject({ type: `${PROBLEM_BASE_URI}malformed-body`, status: 400 });
    });

    it('answers 413 problem for a body over the limit', async () => {
      const response = await request(http)
        .post('/v1/contacts')
        .set('Authorization', sales)
        .send({ ...validContact(), name: 'x'.repeat(BODY_LIMIT) })
        .expect(413);
      expect(problemOf(response)).toMatchObject({ type: `${PROBLEM_BASE_URI}payload-too-large`, status: 413 });
    });

    it('answers a body that does not decode as its Content-Encoding says with a problem of its own, not zlib words', async () => {
      const json = Buffer.from(JSON.stringify(validContact()));
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const response = await request(http)
          .post('/v1/contacts')
          .set('Authorization', sales)
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', encoding)
          .send(json)
          .expect(400);
        expect(problemOf(response)).toMatchObject({
          type: `${PROBLEM_BASE_URI}undecodable-body`,
          detail: `The body is not valid "${encoding}" data, as its Content-Encoding says. Send it encoded that way, or unencoded without Content-Encoding.`,
        });
      }
      const truncated = await request(http)
        .post('/v1/contacts')
        .set('Authorization', sales)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send(gzipSync(json).subarray(0, 12))
        .expect(400);
      expect(problemOf(truncated).type).toBe(`${PROBLEM_BASE_URI}undecodable-body`);
    });

    it('answers 415 naming the encodings it takes for a Content-Encoding it does not', async () => {
      const response = await request(http)
        .post('/v1/contacts')
        .set('Authorization', sales)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'compress')
        .send(JSON.stringify(validContact()))
        .expect(415);
      expect(problemOf(response).detail).toMatch(
        /^The Content-Encoding "compress" is not supported: send the body unencoded, or in one of gzip, deflate, br/,
      );
    });

    it('answers 415 problem for a body that is not JSON', async () => {
      const response = await request(http)
        .post('/v1/contacts')
        .set('Authorization', sales)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('name=Ada')
        .expect(415);
      expect(problemOf(response).type).toBe(`${PROBLEM_BASE_URI}unsupported-media-type`);
    });
  });

  describe('errors', () => {
    it('maps a concurrency conflict to 412 with If-Match and 409 without', async () => {
      const withIfMatch = await request(http)
        .put('/v1/contacts/c-1')
        .set('Authorization', sales)
        .set('If-Match', '"3"')
        .expect(412);
      expect(problemOf(withIfMatch).type).toBe(`${PROBLEM_BASE_URI}precondition-failed`);
      const without = await request(http).put('/v1/contacts/c-1').set('Authorization', sales).expect(409);
      expect(problemOf(without).type).toBe(`${PROBLEM_BASE_URI}concurrent-modification`);
      expect(without.text).not.toContain('contact-c-1');
    });

    it('maps registered domain errors', async () => {
      const response = await request(http).get('/v1/contacts/c-42').set('Authorization', sales).expect(404);
      expect(problemOf(response)).toMatchObject({
        type: `${PROBLEM_BASE_URI}contact-not-found`,
        title: 'Contact not found',
        detail: 'Contact c-42 does not exist',
        contactId: 'c-42',
      });
    });

    it('sets no ETag of its own: only a revision a handler gives (Express would tag every body W/"…")', async () => {
      const answers = [
        await request(http).get('/v1/contacts').set('Authorization', support).expect(200),
        await request(http).get('/v1/contacts/c-42').set('Authorization', sales).expect(404),
        await request(http).post('/v1/contacts').set('Authorization', sales).send({}).expect(400),
        await request(http).get('/v1/nothing-here').set('Authorization', sales).expect(404),
      ];
      for (const response of answers) expect([response.status, response.headers.etag]).toEqual([response.status, undefined]);
      const revisioned = await request(http).get('/v1/contacts/revisioned').set('Authorization', support).expect(200);
      expect(revisioned.headers.etag).toBe('"3"');
    });

    it('answers unknown routes with 404 problem', async () => {
      const response = await request(http).get('/v1/nothing-here').set('Authorization', sales).expect(404);
      expect(problemOf(response).type).toBe(`${PROBLEM_BASE_URI}not-found`);
    });

    it('answers unexpected errors with 500 that leaks nothing, and logs them', async () => {
      const response = await request(http)
        .get('/v1/contacts/internal/boom')
        .set('Authorization', sales)
        .set('x-correlation-id', 'boom-1')
        .expect(500);
      expect(problemOf(response)).toMatchObject({ type: `${PROBLEM_BASE_URI}internal`, status: 500, correlationId: 'boom-1' });
      expect(response.text).not.toMatch(/hunter2|postgres|stack/);
      const logged = logLines.find((l) => l.msg === 'request failed' && l.correlationId === 'boom-1');
      expect(JSON.stringify(logged)).toContain('hunter2');
    });
  });

  describe('correlation and logs', () => {
    it('echoes a given correlation id and exposes it to handlers', async () => {
      const response = await request(http)
        .post('/v1/contacts')
        .set('Authorization', sales)
        .set('x-correlation-id', 'req-abc.123')
        .set('x-causation-id', 'evt-9')
        .send(validContact())
        .expect(201);
      expect(response.headers['x-correlation-id']).toBe('req-abc.123');
      expect(response.body.correlation).toEqual({ correlationId: 'req-abc.123', causationId: 'evt-9', actor: 'alice' });
    });

    it('generates a UUIDv7 when none (or an unusable one) is given', async () => {
      const generated = await request(http).get('/v1/contacts/public/ping').expect(200);
      expect(generated.headers['x-correlation-id']).toMatch(UUID_V7);
      const replaced = await request(http)
        .get('/v1/contacts/public/ping')
        .set('x-correlation-id', 'has spaces\tand tabs')
        .expect(200);
      expect(replaced.headers['x-correlation-id']).toMatch(UUID_V7);
    });

    it('logs one JSON line per request (debug when it succeeded, info for a 4xx), without bodies or credentials', async () => {
      await request(http)
        .post('/v1/contacts')
        .set('Authorization', sales)
        .set('x-correlation-id', 'log-check-1')
        .send({ ...validContact(), name: 'Very Private Person' })
        .expect(201);
      await request(http).get('/v1/contacts?name=secretQuery').set('Authorization', sales).expect(200);
      await request(http)
        .get('/v1/contacts/missing')
        .set('Authorization', sales)
        .set('x-correlation-id', 'log-check-2')
        .expect(404);
      const line = logLines.find((l) => l.msg === 'request completed' && l.correlationId === 'log-check-1');
      const notFound = logLines.find((l) => l.msg === 'request completed' && l.correlationId === 'log-check-2');
      expect(notFound).toMatchObject({ level: 'info', status: 404 });
      expect(line).toMatchObject({
        level: 'debug',
        service: 'contacts-test',
        actor: 'alice',
        method: 'POST',
        path: '/v1/contacts',
        route: '/v1/contacts',
        status: 201,
      });
      expect(typeof line?.durationMs).toBe('number');
      const all = JSON.stringify(logLines);
      expect(all).not.toContain('Very Private Person');
      expect(all).not.toContain(sales.slice(7));
      expect(all).not.toContain('secretQuery');
    });
  });

  describe('health', () => {
    it('is live while the process runs', async () => {
      await request(http).get('/health/live').expect(200, { status: 'alive' });
    });

    it('is ready only when every check passes, and names the failing one', async () => {
      storeUp = false;
      const down = await request(http).get('/health/ready').expect(503);
      expect(down.body).toMatchObject({
        status: 'not_ready',
        checks: { 'event-store': { status: 'down', reason: 'failed' }, kafka: { status: 'up' } },
      });
      expect(down.text).not.toContain('10.0.0.7');
      storeUp = true;
      const up = await request(http).get('/health/ready').expect(200);
      expect(up.body).toMatchObject({ status: 'ready', checks: { 'event-store': { status: 'up' }, kafka: { status: 'up' } } });
    });
  });

  describe('metrics and docs', () => {
    it('serves Prometheus metrics with the request histogram by route template', async () => {
      await request(http).get('/v1/contacts/c-77').set('Authorization', sales).expect(404);
      const response = await request(http).get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toMatch(
        /crm_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/contacts\/:id"[^}]*status="404"/,
      );
      expect(response.text).toMatch(/crm_http_requests_total\{method="POST",route="\/v1\/contacts",status="201"\} \d+/);
      expect(response.text).not.toContain('/v1/contacts/c-77');
      expect(response.text).toContain('process_cpu_user_seconds_total');
    });

    it('serves the OpenAPI document with bearer security, public routes and problem schemas', async () => {
      const response = await request(http).get('/openapi.json').expect(200);
      const document = JSON.parse(response.text);
      expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(document.components.schemas.ProblemDetails.required).toEqual(['type', 'title', 'status']);
      const create = document.paths['/v1/contacts'].post;
      expect(create.security).toEqual([{ bearer: [] }]);
      expect(create['x-crm-roles']).toEqual(['sales']);
      expect(document.paths['/v1/contacts/notes'].get).toMatchObject({ 'x-crm-roles': ['analyst', 'support'] });
      expect(document.paths['/v1/contacts/notes'].get).not.toHaveProperty('x-crm-access');
      expect(create.responses['400'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/ProblemDetails');
      expect(document.paths['/health/ready'].get.security).toEqual([]);
      expect(document.paths['/metrics']).toBeUndefined();
      expect(document.components.schemas.CreateContactDto.properties.name).toMatchObject({ type: 'string', maxLength: 100 });
      expect(document.components.schemas.CreateContactDto.properties.emails).toMatchObject({ type: 'array', maxItems: 5 });
    });

    it('derives path parameters, the body, If-Match and the statuses from what the route and the platform do', async () => {
      const document = JSON.parse((await request(http).get('/openapi.json').expect(200)).text);
      const patch = document.paths['/v1/documented/{id}'].patch;
      expect(patch.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'id',
            in: 'path',
            schema: expect.objectContaining({ type: 'string', format: 'uuid' }),
          }),
          expect.objectContaining({ name: 'If-Match', in: 'header', required: false }),
        ]),
      );
      // The body as the validation pipe checks it: every validated property, unknown ones refused, nothing required.
      expect(document.components.schemas.RenameDto).toMatchObject({
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string', maxLength: 100, minLength: 1, example: 'Ada' },
          stage: { type: 'string', enum: ['lead', 'customer'] },
          email: { type: 'string', format: 'email', maxLength: 254 },
        },
      });
      expect(document.components.schemas.RenameDto.required).toBeUndefined();
      expect(document.components.schemas.RenameDto.properties.name.nullable).toBeUndefined();
      expect(patch.requestBody.required).toBe(false);
      expect(Object.keys(patch.responses).sort()).toEqual([
        '200',
        '400',
        '401',
        '403',
        '404',
        '412',
        '413',
        '415',
        '431',
        '500',
        '503',
      ]);
      expect(patch.responses['503'].headers['Retry-After']).toMatchObject({ required: true });
      expect(document.paths['/health/live'].get.responses).not.toHaveProperty('401');
      expect(document.info.license).toEqual({ name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' });
      expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    });

    it('reads If-Match as the revision it names; a malformed one is a 400', async () => {
      const id = '0192f5e4-7b1c-7c3a-9f2e-3b8d5a6c1e40';
      const patch = () => request(http).patch(`/v1/documented/${id.toUpperCase()}`).set('Authorization', sales);
      expect((await patch().set('If-Match', '"3"').send({}).expect(200)).body).toEqual({ id, body: {}, expectedRevision: 3 });
      expect((await patch().send({}).expect(200)).body.expectedRevision).toBeNull();
      expect(problemOf(await patch().set('If-Match', 'W/"3"').send({}).expect(400))).toMatchObject({ status: 400 });
    });

    it('answers 405 with Allow for a method the path does not take, the most specific path deciding', async () => {
      const trace = await request(http).trace('/v1/contacts').set('Authorization', sales).expect(405);
      expect(trace.headers.allow).toBe('GET, HEAD, POST');
      expect(problemOf(trace)).toMatchObject({ type: `${PROBLEM_BASE_URI}method-not-allowed`, status: 405 });
      // `/v1/contacts/notes` is the notes, not a contact `:id` that PUT would take.
      expect((await request(http).put('/v1/contacts/notes').set('Authorization', sales).expect(405)).headers.allow).toBe(
        'GET, HEAD',
      );
      await request(http).put('/v1/contacts/c-1').set('Authorization', sales).expect(409);
      await request(http).trace('/v1/nothing-here').set('Authorization', sales).expect(404);
    });

    it('answers headers too large for the parser with a 431 problem, not a cut connection', async () => {
      const response = await request(http).get('/v1/contacts').set('X-Padding', 'x'.repeat(20_000)).expect(431);
      expect(problemOf(response)).toMatchObject({ type: `${PROBLEM_BASE_URI}request-header-fields-too-large`, status: 431 });
    });

    it('serves Swagger UI without a token', async () => {
      const response = await request(http).get('/docs').redirects(1).expect(200);
      expect(response.text).toContain('swagger');
    });
  });
});
