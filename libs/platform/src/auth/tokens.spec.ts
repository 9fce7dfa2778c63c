import * as jwt from 'jsonwebtoken';
import { AuthenticationError } from '../problems/platform-errors';
import { hasAnyRole } from './principal';
import { bearerToken, issueToken, TokenVerifier } from './tokens';

// The real jsonwebtoken, its verify counted: a cache hit does not call it.
jest.mock('jsonwebtoken', () => {
  const actual = jest.requireActual<typeof import('jsonwebtoken')>('jsonwebtoken');
  return { ...actual, verify: jest.fn(actual.verify) };
});

const SECRET = 'unit-test-secret-0123456789abcdef0123';

const failureOf = (verify: () => unknown) => {
  try {
    verify();
  } catch (error) {
    if (error instanceof AuthenticationError) return error.failure;
    throw error;
  }
  throw new Error('expected an AuthenticationError');
};

describe('tokens', () => {
  const verifier = new TokenVerifier({ secret: SECRET });

  it('round-trips subject and roles', () => {
    expect(verifier.verify(issueToken({ sub: 'alice', roles: ['sales', 'support'] }, SECRET, '5m'))).toEqual({
      sub: 'alice',
      roles: ['sales', 'support'],
    });
  });

  it('rejects tokens signed with another key, garbage and expired tokens', () => {
    expect(failureOf(() => verifier.verify(issueToken({ sub: 'm', roles: ['admin'] }, 'x'.repeat(32), 60)))).toBe('invalid');
    expect(failureOf(() => verifier.verify('a.b.c'))).toBe('invalid');
    const expired = issueToken({ sub: 'alice', roles: [] }, SECRET, 1);
    jest.useFakeTimers({ now: Date.now() + 5_000 });
    try {
      expect(failureOf(() => verifier.verify(expired))).toBe('expired');
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects unsigned (alg none) tokens', () => {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'mallory', roles: ['admin'], exp: 9e9 })}.`;
    expect(failureOf(() => verifier.verify(unsigned))).toBe('invalid');
  });

  it('checks issuer and audience when configured', () => {
    const strict = new TokenVerifier({ secret: SECRET, issuer: 'crm-auth', audience: 'crm' });
    const proper = issueToken({ sub: 'svc', roles: ['service'] }, SECRET, 60, { issuer: 'crm-auth', audience: 'crm' });
    expect(strict.verify(proper).sub).toBe('svc');
    expect(failureOf(() => strict.verify(issueToken({ sub: 'svc', roles: [] }, SECRET, 60)))).toBe('invalid');
    expect(
      failureOf(() => strict.verify(issueToken({ sub: 'svc', roles: [] }, SECRET, 60, { issuer: 'evil', audience: 'crm' }))),
    ).toBe('invalid');
  });

  it('ignores roles it does not know', () => {
    const token = issueToken({ sub: 'alice', roles: ['sales', 'root' as never] }, SECRET, 60);
    expect(verifier.verify(token).roles).toEqual(['sales']);
  });

  it('refuses to mint tokens without subject or lifetime', () => {
    expect(() => issueToken({ sub: '', roles: [] }, SECRET, 60)).toThrow(/subject/);
    expect(() => issueToken({ sub: 'a', roles: [] }, SECRET, 'forever')).toThrow(/lifetime/);
    expect(() => issueToken({ sub: 'a', roles: [] }, SECRET, 0)).toThrow(/lifetime/);
  });

  describe('the cache of verified tokens', () => {
    const verifications = () => jest.mocked(jwt.verify).mockClear();
    afterEach(() => jest.useRealTimers());

    it('verifies a token once and then answers from the cache, a fresh principal each time', () => {
      const cached = new TokenVerifier({ secret: SECRET });
      const token = issueToken({ sub: 'alice', roles: ['sales'] }, SECRET, '5m');
      const spy = verifications();
      const first = cached.verify(token);
      const second = cached.verify(token);
      expect(second).toEqual({ sub: 'alice', roles: ['sales'] });
      expect(second).not.toBe(first);
      expect(spy).toHaveBeenCalledTimes(1);
    });

    it('refuses a cached token once it has expired', () => {
      const cached = new TokenVerifier({ secret: SECRET });
      const token = issueToken({ sub: 'alice', roles: [] }, SECRET, 2);
      expect(cached.verify(token).sub).toBe('alice');
      jest.useFakeTimers({ now: Date.now() + 2_000 });
      expect(failureOf(() => cached.verify(token))).toBe('expired');
      expect(failureOf(() => cached.verify(token))).toBe('expired');
    });

    it('never remembers a token that failed: another key, another issuer', () => {
      const cached = new TokenVerifier({ secret: SECRET, issuer: 'crm-auth' });
      const forged = issueToken({ sub: 'm', roles: ['admin'] }, 'x'.repeat(32), 60, { issuer: 'crm-auth' });
      const foreign = issueToken({ sub: 'm', roles: ['admin'] }, SECRET, 60, { issuer: 'evil' });
      const spy = verifications();
      for (const token of [forged, foreign, forged, foreign]) expect(failureOf(() => cached.verify(token))).toBe('invalid');
      expect(spy).toHaveBeenCalledTimes(4);
    });

    it('holds at most cacheSize tokens, the least recently used leaving first; 0 turns it off', () => {
      const small = new TokenVerifier({ secret: SECRET, cacheSize: 2 });
      const [a, b, c] = ['a', 'b', 'c'].map((sub) => issueToken({ sub, roles: [] }, SECRET, 60));
      for (const token of [a, b, a, c]) small.verify(token); // b leaves
      const spy = verifications();
      small.verify(a);
      small.verify(c);
      expect(spy).not.toHaveBeenCalled();
      small.verify(b);
      expect(spy).toHaveBeenCalledTimes(1);
      const none = new TokenVerifier({ secret: SECRET, cacheSize: 0 });
      none.verify(a);
      none.verify(a);
      expect(spy).toHaveBeenCalledTimes(3);
    });
  });

  it('reads bearer tokens from the Authorization header only', () => {
    expect(bearerToken('Bearer abc.def-_.ghi')).toBe('abc.def-_.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic YWxpY2U6c2VjcmV0')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('hasAnyRole', () => {
  it('lets admin and holders of any required role through', () => {
    expect(hasAnyRole({ sub: 'a', roles: ['admin'] }, ['sales'])).toBe(true);
    expect(hasAnyRole({ sub: 'a', roles: ['support'] }, ['sales', 'support'])).toBe(true);
    expect(hasAnyRole({ sub: 'a', roles: ['analyst'] }, ['sales', 'support'])).toBe(false);
    expect(hasAnyRole({ sub: 'a', roles: [] }, [])).toBe(true);
  });
});
