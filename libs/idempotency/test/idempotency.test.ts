import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { IsEmail, IsInt, Max, MaxLength, Min } from 'class-validator';
import type { Response } from 'express';
import { Pool } from 'pg';
import request from 'supertest';
import { uniqueSchema } from '@crm/eventsourcing/testing';
import { BoundedString, CurrentPrincipal, Optional } from '@crm/platform/nest';
import { PROBLEM_BASE_URI, ProblemError, type Principal, type ProblemDetails } from '@crm/platform';
import { IDEMPOTENCY_STORE, IdempotencyModule, SkipIdempotency } from '@crm/idempotency/nest';
import { PostgresIdempotencyStore, type IdempotencyStore, type ResponseProtection } from '@crm/idempotency';
import { answerHeaderLines, createHttpTestApp, testToken } from '@crm/platform/nest/testing';

class CreateDealDto {
  @BoundedString(100)
  title!: string;

  @Optional()
  @IsInt()
  @Min(0)
  @Max(5_000)
  delayMs?: number;
}

class CreatePersonDto {
  @BoundedString(100)
  name!: string;

  @IsEmail()
  @MaxLength(254)
  email!: string;
}

/** How often each handler ran. */
const calls = new Map<string, number>();
const ran = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);

@Controller('v1')
class TestController {
  @Post('deals')
  async createDeal(
    @Body() body: CreateDealDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    ran('deals');
    await sleep(body.delayMs ?? 0);
    const dealId = randomUUID();
    response.status(201).location(`/v1/deals/${dealId}`).setHeader('ETag', '"1"');
    response.setHeader('Position-Token', `deals:${dealId}:1`);
    return { dealId, title: body.title, owner: principal.sub };
  }

  /** Fails the first time it is called for a title: a 500, then a 201. */
  @Post('flaky')
  flaky(@Body() body: CreateDealDto) {
    ran(`flaky:${body.title}`);
    if (calls.get(`flaky:${body.title}`) === 1) throw new Error('connection reset by peer');
    return { title: body.title, attempt: calls.get(`flaky:${body.title}`) };
  }

  @Post('deals/:id/win')
  @HttpCode(200)
  win(@Param('id') id: string) {
    ran('win');
    throw new ProblemError({ status: 404, type: 'deal-not-found', title: 'Deal not found', detail: `Deal ${id} does not exist` });
  }

  @Post('deals/search')
  @HttpCode(200)
  @SkipIdempotency()
  search() {
    ran('search');
    return { items: [], call: calls.get('search') };
  }

  /** A handler that writes the response itself: the replay must too. */
  @Post('raw')
  raw(@Res() response: Response) {
    ran('raw');
    response.status(202).json({ accepted: randomUUID() });
  }

  @Post('people')
  createPerson(@Body() body: CreatePersonDto) {
    ran('people');
    return { personId: randomUUID(), name: body.name, email: body.email };
  }
}

/** AES-256-GCM with one key per person, as the privacy lib does; deleting the key erases the person. */
const personKeys = new Map<string, Buffer>();
const protect: ResponseProtection = {
  subjectOf: (body) => {
    const personId = (body as { personId?: unknown } | undefined)?.personId;
    return typeof personId === 'string' ? personId : undefined;
  },
  async seal(subject, plaintext) {
    let key = personKeys.get(subject);
    if (!key) personKeys.set(subject, (key = randomBytes(32)));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(subject));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
  },
  async open(subject, sealed) {
    const key = personKeys.get(subject);
    if (!key) return null;
    const bytes = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12)).setAAD(Buffer.from(subject));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  },
};

const WAIT_TIMEOUT_MS = 1_000;

describe('Idempotency-Key', () => {
  const schema = uniqueSchema('idempotency');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  let app: NestExpressApplication;
  let url: string;
  const alice = `Bearer ${testToken(['sales'], 'alice')}`;
  const bob = `Bearer ${testToken(['sales'], 'bob')}`;

  const post = (path: string, key: string | undefined, body: object = {}, authorization = alice) => {
    const test = request(url).post(path).set('Authorization', authorization).send(body);
    return key === undefined ? test : test.set('Idempotency-Key', key);
  };
  const problemOf = (response: request.Response): ProblemDetails => {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    return JSON.parse(response.text) as ProblemDetails;
  };
  /** What a client sees of a response, besides the per-request correlation id. */
  const seen = (response: request.Response) => ({
    status: response.status,
    text: response.text,
    location: response.headers.location,
    etag: response.headers.etag,
    contentType: response.headers['content-type'],
  });

  beforeAll(async () => {
    app = await createHttpTestApp({
      imports: [
        IdempotencyModule.forRoot({ databaseUrl: process.env.DATABASE_URL!, schema, waitTimeout: WAIT_TIMEOUT_MS, protect }),
      ],
      controllers: [TestController],
    });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  beforeEach(() => calls.clear());

  it('replays the first response to a retry: same status, headers (named alike) and body, and the handler ran once', async () => {
    const key = randomUUID();
    const first = await post('/v1/deals', key, { title: 'Big deal' }).expect(201);
    const retry = await post('/v1/deals', key, { title: 'Big deal' }).expect(201);
    expect(seen(retry)).toEqual(seen(first));
    expect(answerHeaderLines(retry)).toEqual(answerHeaderLines(first));
    expect(answerHeaderLines(first)).toEqual(
      expect.arrayContaining([
        'ETag: "1"',
        `Location: /v1/deals/${first.body.dealId}`,
        `Position-Token: deals:${first.body.dealId}:1`,
      ]),
    );
    expect(first.headers.location).toMatch(/^\/v1\/deals\/[0-9a-f-]{36}$/);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(calls.get('deals')).toBe(1);
  });

  it('accepts the key as a structured-field string: "k" and k are the same key', async () => {
    const key = randomUUID();
    const first = await post('/v1/deals', `"${key}"`, { title: 'Quoted' }).expect(201);
    const retry = await post('/v1/deals', key, { title: 'Quoted' }).expect(201);
    expect(retry.text).toBe(first.text);
    expect(calls.get('deals')).toBe(1);
  });

  it('runs the handler once for 10 requests arriving at once, and gives all of them the same answer', async () => {
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => post('/v1/deals', key, { title: 'Rush', delayMs: 300 })),
    );
    expect(calls.get('deals')).toBe(1);
    expect(new Set(responses.map((response) => JSON.stringify(seen(response)))).size).toBe(1);
    expect(responses[0].status).toBe(201);
    expect(responses[0].headers.location).toBe(`/v1/deals/${responses[0].body.dealId}`);
    expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
  });

  it('answers 422 idempotency-key-reused for another body under the same key, and runs nothing', async () => {
    const key = randomUUID();
    await post('/v1/deals', key, { title: 'First' }).expect(201);
    const reused = await post('/v1/deals', key, { title: 'Second' }).expect(422);
    expect(problemOf(reused)).toMatchObject({ type: `${PROBLEM_BASE_URI}idempotency-key-reused`, status: 422 });
    expect(calls.get('deals')).toBe(1);
  });

  it('answers 422 for the same body under the same key with another If-Match: it names another version', async () => {
    const key = randomUUID();
    await post('/v1/deals', key, { title: 'First' }).set('If-Match', '"3"').expect(201);
    await post('/v1/deals', key, { title: 'First' }).set('If-Match', '"3"').expect(201);
    const other = await post('/v1/deals', key, { title: 'First' }).set('If-Match', '"4"').expect(422);
    expect(problemOf(other)).toMatchObject({ type: `${PROBLEM_BASE_URI}idempotency-key-reused`, status: 422 });
    expect(calls.get('deals')).toBe(1);
  });

  it('treats the same JSON with members in another order as the same request', async () => {
    const key = randomUUID();
    const first = await post('/v1/deals', key, { title: 'Order', delayMs: 0 }).expect(201);
    const retry = await post('/v1/deals', key, { delayMs: 0, title: 'Order' }).expect(201);
    expect(retry.text).toBe(first.text);
  });

  it('keeps the keys of different callers apart', async () => {
    const key = randomUUID();
    const byAlice = await post('/v1/deals', key, { title: 'Shared key' }, alice).expect(201);
    const byBob = await post('/v1/deals', key, { title: 'Shared key' }, bob).expect(201);
    expect(byBob.headers['idempotent-replayed']).toBeUndefined();
    expect(byAlice.body.owner).toBe('alice');
    expect(byBob.body.owner).toBe('bob');
    expect(calls.get('deals')).toBe(2);
  });

  it('releases the key after a 500: the retry runs again, and its answer is the one kept', async () => {
    const key = randomUUID();
    const failed = await post('/v1/flaky', key, { title: 'flaky-1' }).expect(500);
    expect(problemOf(failed).type).toBe(`${PROBLEM_BASE_URI}internal`);
    const retried = await post('/v1/flaky', key, { title: 'flaky-1' }).expect(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body).toEqual({ title: 'flaky-1', attempt: 2 });
    const replayed = await post('/v1/flaky', key, { title: 'flaky-1' }).expect(201);
    expect(replayed.text).toBe(retried.text);
    expect(calls.get('flaky:flaky-1')).toBe(2);
  });

  it('replays a 4xx problem as the exception filter wrote it, correlation id of the first request included', async () => {
    const key = randomUUID();
    const first = await post('/v1/deals/d-404/win', key).expect(404);
    const retry = await post('/v1/deals/d-404/win', key).expect(404);
    expect(problemOf(first)).toMatchObject({ type: `${PROBLEM_BASE_URI}deal-not-found`, instance: '/v1/deals/d-404/win' });
    expect(seen(retry)).toEqual(seen(first));
    expect(answerHeaderLines(retry)).toEqual(answerHeaderLines(first));
    expect(problemOf(retry).correlationId).toBe(first.headers['x-correlation-id']);
    expect(retry.headers['x-correlation-id']).not.toBe(first.headers['x-correlation-id']);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(calls.get('win')).toBe(1);
  });

  it('keeps a validation problem too: the same body fails the same way', async () => {
    const key = randomUUID();
    const first = await post('/v1/deals', key, { title: 'x'.repeat(101) }).expect(400);
    const retry = await post('/v1/deals', key, { title: 'x'.repeat(101) }).expect(400);
    expect(problemOf(retry).type).toBe(`${PROBLEM_BASE_URI}validation`);
    expect(retry.text).toBe(first.text);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'two words'],
  ])('answers 400 invalid-idempotency-key for a key %s, before running anything', async (_case, key) => {
    const response = await post('/v1/deals', key, { title: 'Bad key' }).expect(400);
    expect(problemOf(response)).toMatchObject({ type: `${PROBLEM_BASE_URI}invalid-idempotency-key`, status: 400 });
    expect(calls.get('deals')).toBeUndefined();
  });

  it('answers 409 idempotency-key-in-flight with Retry-After when the first request outlasts the wait', async () => {
    const key = randomUUID();
    const first = post('/v1/deals', key, { title: 'Slow', delayMs: WAIT_TIMEOUT_MS + 1_000 }).then((response) => response);
    await sleep(100);
    const started = Date.now();
    const retry = await post('/v1/deals', key, { title: 'Slow', delayMs: WAIT_TIMEOUT_MS + 1_000 }).expect(409);
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_TIMEOUT_MS - 50);
    expect(problemOf(retry)).toMatchObject({ type: `${PROBLEM_BASE_URI}idempotency-key-in-flight`, status: 409 });
    expect(retry.headers['retry-after']).toBe('1');
    expect((await first).status).toBe(201);
    expect(
      (await post('/v1/deals', key, { title: 'Slow', delayMs: WAIT_TIMEOUT_MS + 1_000 })).headers['idempotent-replayed'],
    ).toBe('true');
    expect(calls.get('deals')).toBe(1);
  });

  it('runs without a key, ignores the key on @SkipIdempotency() routes, and replays handlers that take @Res()', async () => {
    await post('/v1/deals', undefined, { title: 'No key' }).expect(201);
    await post('/v1/deals', undefined, { title: 'No key' }).expect(201);
    expect(calls.get('deals')).toBe(2);

    const searchKey = randomUUID();
    await post('/v1/deals/search', searchKey).expect(200);
    const search = await post('/v1/deals/search', searchKey).expect(200);
    expect(search.headers['idempotent-replayed']).toBeUndefined();
    expect(calls.get('search')).toBe(2);

    const rawKey = randomUUID();
    const raw = await post('/v1/raw', rawKey).expect(202);
    const rawRetry = await post('/v1/raw', rawKey).expect(202);
    expect(seen(rawRetry)).toEqual(seen(raw));
    expect(calls.get('raw')).toBe(1);
  });

  describe('personal data', () => {
    const rowOf = async (key: string) =>
      (
        await pool.query<{ body: string | null; subject_id: string | null; state: string; fingerprint: string }>(
          `SELECT body, subject_id, state, fingerprint FROM "${schema}".idempotency_keys WHERE idempotency_key = $1`,
          [key],
        )
      ).rows[0];

    it('stores only sealed text, under the subject id, and replays it opened', async () => {
      const key = randomUUID();
      const first = await post('/v1/people', key, { name: 'Ada Lovelace', email: 'ada@example.com' }).expect(201);
      const row = await rowOf(key);
      expect(row.subject_id).toBe(first.body.personId);
      expect(row.body).not.toContain('Ada');
      expect(row.body).not.toContain('example.com');
      expect(row.body).not.toContain(first.body.personId);
      expect(JSON.stringify(row)).not.toContain('Lovelace');
      const retry = await post('/v1/people', key, { name: 'Ada Lovelace', email: 'ada@example.com' }).expect(201);
      expect(retry.text).toBe(first.text);
      expect(calls.get('people')).toBe(1);
    });

    it('answers 410 idempotent-response-gone once the person is erased, and never runs the request again', async () => {
      const key = randomUUID();
      const first = await post('/v1/people', key, { name: 'Grace Hopper', email: 'grace@example.com' }).expect(201);
      personKeys.delete(first.body.personId);
      const gone = await post('/v1/people', key, { name: 'Grace Hopper', email: 'grace@example.com' }).expect(410);
      expect(problemOf(gone)).toMatchObject({ type: `${PROBLEM_BASE_URI}idempotent-response-gone`, status: 410 });
      expect(gone.text).not.toContain('Grace');
      expect(calls.get('people')).toBe(1);
    });

    it('forgetSubject drops the stored responses about a person: 410 afterwards', async () => {
      const key = randomUUID();
      const first = await post('/v1/people', key, { name: 'Alan Turing', email: 'alan@example.com' }).expect(201);
      const store = app.get<IdempotencyStore>(IDEMPOTENCY_STORE);
      expect(await store.forgetSubject(first.body.personId)).toBe(1);
      expect(await rowOf(key)).toMatchObject({ state: 'forgotten', body: null });
      await post('/v1/people', key, { name: 'Alan Turing', email: 'alan@example.com' }).expect(410);
      expect(calls.get('people')).toBe(1);
    });

    it('stores responses without a subject as they are', async () => {
      const key = randomUUID();
      const first = await post('/v1/deals', key, { title: 'Plain' }).expect(201);
      expect(await rowOf(key)).toMatchObject({ body: first.text, subject_id: null, state: 'completed' });
    });
  });

  describe('PostgresIdempotencyStore', () => {
    const store = new PostgresIdempotencyStore(pool, schema);
    const scope = (key: string) => ({ principal: 'svc', endpoint: 'POST /v1/things', key });
    const response = { status: 201, headers: { 'content-type': 'application/json' }, body: '{}' };

    it('lets exactly one of many concurrent claims win', async () => {
      const claims = await Promise.all(
        Array.from({ length: 20 }, () => store.claim(scope('race'), 'fp', { ttlMs: 60_000, leaseMs: 60_000 })),
      );
      expect(claims.filter((claim) => claim.claimed)).toHaveLength(1);
      expect(claims.filter((claim) => !claim.claimed && claim.record.state === 'in-flight')).toHaveLength(19);
    });

    it('takes over a claim whose lease passed; the late first claim can no longer complete', async () => {
      const crashed = await store.claim(scope('lease'), 'fp', { ttlMs: 60_000, leaseMs: 1 });
      await sleep(10);
      const takeover = await store.claim(scope('lease'), 'fp', { ttlMs: 60_000, leaseMs: 60_000 });
      expect(crashed.claimed && takeover.claimed).toBe(true);
      if (crashed.claimed) expect(await store.complete(scope('lease'), crashed.token, response)).toBe(false);
      if (takeover.claimed) expect(await store.complete(scope('lease'), takeover.token, response)).toBe(true);
      expect(await store.claim(scope('lease'), 'fp', { ttlMs: 60_000, leaseMs: 60_000 })).toEqual({
        claimed: false,
        record: { state: 'completed', fingerprint: 'fp', response },
      });
    });

    it('reuses expired keys and purges expired records', async () => {
      const first = await store.claim(scope('expiring'), 'fp', { ttlMs: 1, leaseMs: 60_000 });
      if (first.claimed) await store.complete(scope('expiring'), first.token, response);
      await sleep(10);
      expect((await store.claim(scope('expiring'), 'fp-new', { ttlMs: 1, leaseMs: 60_000 })).claimed).toBe(true);
      await sleep(10);
      expect(await store.purgeExpired()).toBeGreaterThanOrEqual(1);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".idempotency_keys WHERE expires_at <= now()`);
      expect(rows[0].n).toBe(0);
    });
  });
});
