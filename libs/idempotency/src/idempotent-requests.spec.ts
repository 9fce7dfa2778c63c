import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, IdempotentResponseGoneError } from './idempotency-problems';
import type { IdempotencyScope, StoredResponse } from './idempotency-store';
import { IdempotentRequests, isRetryableStatus, type IdempotencySettings, type SentResponse } from './idempotent-requests';
import { InMemoryIdempotencyStore } from './in-memory-idempotency-store';

const scope: IdempotencyScope = { principal: 'alice', endpoint: 'POST /v1/contacts', key: 'k-1' };
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const created = (body: object = { contactId: 'c-1', name: 'Ada' }): SentResponse => ({
  status: 201,
  headers: { ...JSON_TYPE, location: '/v1/contacts/c-1', etag: '"1"' },
  body: Buffer.from(JSON.stringify(body)),
  path: '/v1/contacts',
});
const sent = (status: number, body = '{}'): SentResponse => ({
  status,
  headers: JSON_TYPE,
  body: Buffer.from(body),
  path: '/v1/contacts',
});

describe('IdempotentRequests', () => {
  let clock: number;
  let store: InMemoryIdempotencyStore;
  const settings: IdempotencySettings = { ttlMs: 60_000, waitTimeoutMs: 200, leaseMs: 5_000, pollMs: { initial: 5, max: 20 } };
  const requests = (overrides: Partial<IdempotencySettings> = {}) => new IdempotentRequests(store, { ...settings, ...overrides });

  beforeEach(() => {
    clock = Date.now();
    store = new InMemoryIdempotencyStore(() => clock);
  });

  /** Admits the first request and finishes it with `response`. */
  async function firstRequest(response: SentResponse, idempotency = requests(), fingerprint = 'fp-1') {
    const admission = await idempotency.admit(scope, fingerprint);
    if (!admission.run) throw new Error('expected the first request to run');
    return idempotency.finish(scope, admission.token, response);
  }

  it('lets the first request run and replays its response, headers and all, to a retry', async () => {
    expect(await firstRequest(created())).toBe('stored');
    const retry = await requests().admit(scope, 'fp-1');
    expect(retry).toEqual({
      run: false,
      response: {
        status: 201,
        headers: { ...JSON_TYPE, location: '/v1/contacts/c-1', etag: '"1"' },
        body: '{"contactId":"c-1","name":"Ada"}',
      },
    });
  });

  it('refuses the key for another request with 422, also while the first runs', async () => {
    const idempotency = requests();
    const first = await idempotency.admit(scope, 'fp-1');
    await expect(idempotency.admit(scope, 'fp-other')).rejects.toThrow(IdempotencyKeyReusedError);
    if (first.run) await idempotency.finish(scope, first.token, created());
    await expect(idempotency.admit(scope, 'fp-other')).rejects.toThrow(IdempotencyKeyReusedError);
  });

  it('keeps keys of other callers and endpoints apart', async () => {
    await firstRequest(created());
    expect((await requests().admit({ ...scope, principal: 'bob' }, 'fp-other')).run).toBe(true);
    expect((await requests().admit({ ...scope, endpoint: 'POST /v1/companies' }, 'fp-other')).run).toBe(true);
  });

  it('makes a retry wait for the first request still running, then replays its response', async () => {
    const idempotency = requests({ waitTimeoutMs: 1_000 });
    const first = await idempotency.admit(scope, 'fp-1');
    const retries = Promise.all([1, 2, 3].map(() => idempotency.admit(scope, 'fp-1')));
    await new Promise((resolve) => setTimeout(resolve, 30));
    if (first.run) await idempotency.finish(scope, first.token, created());
    for (const retry of await retries) expect(retry).toMatchObject({ run: false, response: { status: 201 } });
  });

  it('answers 409 with Retry-After when the first request outlasts the wait', async () => {
    await requests().admit(scope, 'fp-1');
    const started = Date.now();
    const error = await requests()
      .admit(scope, 'fp-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyKeyInFlightError);
    expect((error as IdempotencyKeyInFlightError).problem).toMatchObject({ status: 409, headers: { 'Retry-After': '1' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it.each([500, 502, 503, 408, 429])('releases the key on %i: the retry runs again', async (status) => {
    expect(await firstRequest(sent(status))).toBe('released');
    expect((await requests().admit(scope, 'fp-1')).run).toBe(true);
  });

  it.each([400, 404, 409, 412, 422])('keeps %i as the final answer', async (status) => {
    await firstRequest(sent(status, `{"status":${status}}`));
    expect(await requests().admit(scope, 'fp-1')).toMatchObject({
      run: false,
      response: { status, body: `{"status":${status}}` },
    });
  });

  it('lets a waiting retry run once the first request released the key', async () => {
    const idempotency = requests({ waitTimeoutMs: 1_000 });
    const first = await idempotency.admit(scope, 'fp-1');
    const retry = idempotency.admit(scope, 'fp-1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (first.run) await idempotency.finish(scope, first.token, sent(500));
    expect((await retry).run).toBe(true);
  });

  it('does not keep a body it could not replay as sent (too large, or not UTF-8)', async () => {
    expect(await firstRequest({ ...created(), body: undefined })).toBe('released');
    expect(await firstRequest({ ...created(), body: Buffer.from([0xff, 0xfe]) })).toBe('released');
    expect(store.size).toBe(0);
  });

  it('treats an expired record, or a claim whose lease passed, as absent', async () => {
    const crashed = await requests().admit(scope, 'fp-1');
    clock += settings.leaseMs;
    const takeover = await requests().admit(scope, 'fp-2');
    expect(takeover.run).toBe(true);
    // The crashed process's late response does not overwrite the new claim.
    if (crashed.run) expect(await requests().finish(scope, crashed.token, created())).toBe('lost');
    if (takeover.run) await requests().finish(scope, takeover.token, created());
    clock += settings.ttlMs;
    expect((await requests().admit(scope, 'fp-3')).run).toBe(true);
  });

  it('purges expired records', async () => {
    await firstRequest(created());
    await requests().admit({ ...scope, key: 'k-2' }, 'fp-1');
    clock += settings.ttlMs - 1;
    expect(await store.purgeExpired()).toBe(0);
    clock += 1;
    expect(await store.purgeExpired()).toBe(2);
  });

  describe('with a protect hook', () => {
    const keys = new Map<string, string>();
    const protect = {
      subjectOf: (body: unknown) => (body as { contactId?: string } | undefined)?.contactId,
      seal: async (subject: string, plaintext: string) =>
        `sealed:${keys.get(subject)}:${Buffer.from(plaintext).toString('base64')}`,
      open: async (subject: string, sealed: string) => {
        const [, key, payload] = sealed.split(':');
        return keys.get(subject) === key ? Buffer.from(payload, 'base64').toString() : null;
      },
    };
    /** The stored response, read through the port: a claim with another fingerprint changes nothing. */
    const stored = async (): Promise<StoredResponse> => {
      const claim = await store.claim(scope, 'fp-peek', { ttlMs: 1, leaseMs: 1 });
      if (claim.claimed || claim.record.state !== 'completed') throw new Error('expected a completed record');
      return claim.record.response;
    };

    beforeEach(() => keys.set('c-1', 'key-of-c-1'));

    it('stores the body sealed for its subject and replays it opened', async () => {
      await firstRequest(created(), requests({ protect }));
      expect(await stored()).toMatchObject({ subject: 'c-1', body: expect.stringMatching(/^sealed:key-of-c-1:/) });
      expect(await requests({ protect }).admit(scope, 'fp-1')).toMatchObject({
        run: false,
        response: { body: '{"contactId":"c-1","name":"Ada"}' },
      });
    });

    it('stores bodies without a subject as they are', async () => {
      await firstRequest(sent(404, '{"type":"not-found"}'), requests({ protect }));
      expect(await stored()).toEqual({ status: 404, headers: JSON_TYPE, body: '{"type":"not-found"}' });
    });

    it('answers 410 once the subject is erased (key gone) or forgotten by the store', async () => {
      await firstRequest(created(), requests({ protect }));
      keys.delete('c-1');
      await expect(requests({ protect }).admit(scope, 'fp-1')).rejects.toThrow(IdempotentResponseGoneError);
      keys.set('c-1', 'key-of-c-1');
      expect(await store.forgetSubject('c-1')).toBe(1);
      expect(await store.forgetSubject('c-1')).toBe(0);
      await expect(requests({ protect }).admit(scope, 'fp-1')).rejects.toThrow(IdempotentResponseGoneError);
    });

    it('keeps a tombstone when the subject is erased already (sealing refused): a retry is answered 410, not run', async () => {
      const erased = { ...protect, seal: async () => null };
      expect(await firstRequest(created(), requests({ protect: erased }))).toBe('forgotten');
      await expect(requests({ protect }).admit(scope, 'fp-1')).rejects.toThrow(IdempotentResponseGoneError);
    });

    it('releases the key when sealing fails', async () => {
      const failing = { ...protect, seal: () => Promise.reject(new Error('vault down')) };
      await expect(firstRequest(created(), requests({ protect: failing }))).rejects.toThrow('vault down');
      expect(store.size).toBe(0);
    });
  });
});

describe('isRetryableStatus', () => {
  it('is true for server errors, timeouts and rate limits only', () => {
    expect([200, 201, 204, 400, 404, 409, 410, 422, 408, 429, 500, 503].filter(isRetryableStatus)).toEqual([408, 429, 500, 503]);
  });
});
