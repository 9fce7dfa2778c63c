import { ConfigError, envVar, loadConfig } from './config';

const spec = {
  PORT: envVar.port().default(3000),
  MODE: envVar.oneOf(['fast', 'safe']),
  RETRIES: envVar.int({ min: 0, max: 10 }).optional(),
  API_KEY: envVar.string({ minLength: 32 }).secret().devDefault('d'.repeat(32)),
  STORE: envVar.oneOf(['postgres', 'memory']).default('postgres'),
  DATABASE_URL: envVar.url(['postgres', 'postgresql']).requiredWhen('STORE is postgres', (c) => c.STORE === 'postgres'),
  DEBUG: envVar.bool().default(false),
  TIMEOUT: envVar.duration().default(1000),
  BROKERS: envVar.hostPortList().optional(),
};

function issuesOf(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig(spec, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return Object.fromEntries(error.issues.map((i) => [i.variable, i.problem]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const valid = { MODE: 'fast', API_KEY: 'k'.repeat(32), DATABASE_URL: 'postgres://u@db:5432/crm' };

  it('parses and types every variable, applying defaults', () => {
    const config = loadConfig(spec, {
      ...valid,
      PORT: '8080',
      RETRIES: '3',
      DEBUG: 'yes',
      TIMEOUT: '2m',
      BROKERS: 'k1:9092, k2:9093',
    });
    expect(config).toEqual({
      PORT: 8080,
      MODE: 'fast',
      RETRIES: 3,
      API_KEY: 'k'.repeat(32),
      STORE: 'postgres',
      DATABASE_URL: 'postgres://u@db:5432/crm',
      DEBUG: true,
      TIMEOUT: 120_000,
      BROKERS: ['k1:9092', 'k2:9093'],
    });
    expect(loadConfig(spec, valid)).toMatchObject({ PORT: 3000, RETRIES: undefined, DEBUG: false, TIMEOUT: 1000 });
  });

  it('names every bad variable and why, in one error', () => {
    const issues = issuesOf({
      PORT: '70000',
      MODE: 'slow',
      RETRIES: '2.5',
      DEBUG: 'maybe',
      TIMEOUT: 'soon',
      BROKERS: 'k1:9092,k2',
      NODE_ENV: 'production',
    });
    expect(Object.keys(issues).sort()).toEqual([
      'API_KEY',
      'BROKERS',
      'DATABASE_URL',
      'DEBUG',
      'MODE',
      'PORT',
      'RETRIES',
      'TIMEOUT',
    ]);
    expect(issues.PORT).toBe('must be an integer from 1 to 65535, got "70000"');
    expect(issues.MODE).toBe('must be one of fast, safe, got "slow"');
    expect(issues.BROKERS).toContain('bad: k2');
    expect(issues.DATABASE_URL).toBe('is required when STORE is postgres: a URL starting with postgres:// or postgresql://');
    expect(issues.API_KEY).toMatch(/^is required: at least 32 characters .*development/);
  });

  it('puts every problem into the message', () => {
    expect(() => loadConfig(spec, { PORT: 'x' })).toThrow(
      /Invalid configuration \(4 problems\):\n {2}- PORT must be an integer from 1 to 65535, got "x"\n {2}- MODE is required/,
    );
  });

  it('never echoes a secret', () => {
    const secret = 'short-secret-value';
    const issues = issuesOf({ ...valid, API_KEY: secret });
    expect(issues.API_KEY).toBe('must be at least 32 characters long (it has 18)');
    expect(JSON.stringify(issues)).not.toContain(secret);
  });

  it('applies development defaults only in development and test', () => {
    const withoutKey = { MODE: 'safe', DATABASE_URL: valid.DATABASE_URL };
    expect(loadConfig(spec, { ...withoutKey, NODE_ENV: 'development' }).API_KEY).toBe('d'.repeat(32));
    expect(loadConfig(spec, { ...withoutKey, NODE_ENV: 'test' }).API_KEY).toBe('d'.repeat(32));
    expect(Object.keys(issuesOf({ ...withoutKey, NODE_ENV: 'production' }))).toEqual(['API_KEY']);
    expect(Object.keys(issuesOf(withoutKey))).toEqual(['API_KEY']);
  });

  it('refuses a development default, even given explicitly, outside development or on a non-loopback HOST', () => {
    const withoutKey = { MODE: 'safe', DATABASE_URL: valid.DATABASE_URL };
    const publicKey = 'd'.repeat(32);
    for (const HOST of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      expect(loadConfig(spec, { ...withoutKey, NODE_ENV: 'development', HOST }).API_KEY).toBe(publicKey);
      expect(loadConfig(spec, { ...withoutKey, NODE_ENV: 'test', HOST, API_KEY: publicKey }).API_KEY).toBe(publicKey);
    }
    for (const HOST of ['0.0.0.0', '::', '10.1.2.3', 'crm.example.com']) {
      expect(issuesOf({ ...withoutKey, NODE_ENV: 'development', HOST }).API_KEY).toBe(
        `is required because HOST is ${HOST}, not a loopback address, so others can reach the service: ` +
          'at least 32 characters (the development default is public)',
      );
      expect(issuesOf({ ...withoutKey, NODE_ENV: 'development', HOST, API_KEY: publicKey }).API_KEY).toMatch(
        /^is the public development value from the repository, refused because HOST is .*: set one of your own$/,
      );
    }
    expect(issuesOf({ ...withoutKey, NODE_ENV: 'production', API_KEY: publicKey }).API_KEY).toBe(
      'is the public development value from the repository, refused because NODE_ENV is production, not development or ' +
        'test: set one of your own',
    );
    expect(issuesOf({ ...withoutKey, API_KEY: publicKey }).API_KEY).toMatch(/because NODE_ENV is unset \(production\)/);
    // A key of one's own is anyone's business, wherever the service listens.
    expect(loadConfig(spec, { ...withoutKey, NODE_ENV: 'development', HOST: '0.0.0.0', API_KEY: 'k'.repeat(32) }).API_KEY).toBe(
      'k'.repeat(32),
    );
  });

  it('reads host names and IP addresses', () => {
    const hostSpec = { HOST: envVar.host().default('127.0.0.1') };
    expect(loadConfig(hostSpec, {}).HOST).toBe('127.0.0.1');
    for (const HOST of ['0.0.0.0', '::', 'fe80::1', 'localhost', 'contacts-1.internal'])
      expect(loadConfig(hostSpec, { HOST }).HOST).toBe(HOST);
    for (const HOST of ['[::1]', 'http://localhost', 'a b', '-bad.example', 'host:80']) {
      expect(() => loadConfig(hostSpec, { HOST })).toThrow('HOST must be an IP address or a host name');
    }
  });

  it('requires conditional variables only when their condition holds', () => {
    const { DATABASE_URL: _, ...withoutUrl } = valid;
    expect(loadConfig(spec, { ...withoutUrl, STORE: 'memory' }).DATABASE_URL).toBeUndefined();
    expect(Object.keys(issuesOf(withoutUrl))).toEqual(['DATABASE_URL']);
    expect(issuesOf({ ...valid, DATABASE_URL: 'mysql://db/crm' }).DATABASE_URL).toMatch(/^must be a URL starting with postgres/);
  });

  it('treats empty and blank values as unset', () => {
    expect(loadConfig(spec, { ...valid, PORT: '', RETRIES: '  ' })).toMatchObject({ PORT: 3000, RETRIES: undefined });
  });
});
