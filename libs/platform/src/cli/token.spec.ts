import { ConfigError } from '../config/config';
import { DEV_JWT_SECRET } from '../config/base-config';
import { TokenVerifier } from '../auth/tokens';
import { tokenFromArgs } from './token';

const SECRET = 'cli-test-secret-0123456789abcdef0123';

describe('token CLI', () => {
  it('mints a token for the given subject and roles with JWT_SECRET', () => {
    const token = tokenFromArgs(['--sub', 'alice', '--roles', 'sales, support', '--ttl', '2h'], { JWT_SECRET: SECRET });
    expect(new TokenVerifier({ secret: SECRET }).verify(token)).toEqual({ sub: 'alice', roles: ['sales', 'support'] });
    const { exp, iat } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(exp - iat).toBe(7200);
  });

  it('signs for the configured issuer and audience', () => {
    const token = tokenFromArgs(['--sub', 'contacts', '--roles', 'service'], {
      JWT_SECRET: SECRET,
      JWT_ISSUER: 'crm',
      JWT_AUDIENCE: 'crm-api',
    });
    expect(new TokenVerifier({ secret: SECRET, issuer: 'crm', audience: 'crm-api' }).verify(token).roles).toEqual(['service']);
  });

  it('uses the dev secret only in development', () => {
    const token = tokenFromArgs(['--sub', 'dev'], { NODE_ENV: 'development' });
    expect(new TokenVerifier({ secret: DEV_JWT_SECRET }).verify(token).sub).toBe('dev');
    expect(() => tokenFromArgs(['--sub', 'dev'], {})).toThrow(ConfigError);
  });

  it('explains bad arguments', () => {
    expect(() => tokenFromArgs([], { JWT_SECRET: SECRET })).toThrow(/--sub is required/);
    expect(() => tokenFromArgs(['--sub', 'a', '--roles', 'sales,root'], { JWT_SECRET: SECRET })).toThrow(
      /unknown role\(s\): root/,
    );
    expect(() => tokenFromArgs(['--sub', 'a', '--bogus'], { JWT_SECRET: SECRET })).toThrow(/bogus/);
  });
});
