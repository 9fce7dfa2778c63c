import { ConfigError, loadConfig } from './config';
import { DEV_JWT_SECRET, DEV_PII_MASTER_KEY, loadBaseConfig, privacyConfigSpec } from './base-config';

const badVariables = (env: Record<string, string>): string[] => {
  try {
    loadBaseConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => i.variable).sort();
  }
};

describe('base configuration', () => {
  const complete = {
    NODE_ENV: 'production',
    JWT_SECRET: 's'.repeat(40),
    DATABASE_URL: 'postgres://postgres@127.0.0.1:55432/crm',
    KAFKA_BROKERS: '127.0.0.1:59092',
    MONGODB_URI: 'mongodb://127.0.0.1:57017',
  };

  it('loads a complete production configuration with defaults', () => {
    expect(loadBaseConfig(complete)).toMatchObject({
      PORT: 3000,
      LOG_LEVEL: 'info',
      EVENT_STORE: 'postgres',
      KAFKA_BROKERS: ['127.0.0.1:59092'],
      HTTP_BODY_LIMIT: 1024 * 1024,
      SHUTDOWN_TIMEOUT: 15_000,
      SERVICE_NAME: undefined,
      JWT_ISSUER: undefined,
    });
  });

  it('names everything missing in an empty production environment', () => {
    expect(badVariables({})).toEqual(['DATABASE_URL', 'JWT_SECRET', 'KAFKA_BROKERS', 'MONGODB_URI']);
  });

  it('gives development the public dev secret, never production', () => {
    const { JWT_SECRET: _, ...withoutSecret } = complete;
    expect(loadBaseConfig({ ...withoutSecret, NODE_ENV: 'development' }).JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(badVariables(withoutSecret)).toEqual(['JWT_SECRET']);
  });

  it('listens on loopback unless HOST says otherwise', () => {
    expect(loadBaseConfig(complete).HOST).toBe('127.0.0.1');
    expect(loadBaseConfig({ ...complete, HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('refuses the public dev secret in production, and on an address others can reach', () => {
    const { JWT_SECRET: _, ...withoutSecret } = complete;
    expect(badVariables({ ...complete, JWT_SECRET: DEV_JWT_SECRET })).toEqual(['JWT_SECRET']);
    expect(badVariables({ ...withoutSecret, NODE_ENV: 'development', HOST: '0.0.0.0' })).toEqual(['JWT_SECRET']);
    expect(badVariables({ ...complete, NODE_ENV: 'development', HOST: '0.0.0.0', JWT_SECRET: DEV_JWT_SECRET })).toEqual([
      'JWT_SECRET',
    ]);
    expect(loadBaseConfig({ ...complete, NODE_ENV: 'development', HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('treats the public PII master key like the dev secret', () => {
    expect(loadConfig(privacyConfigSpec, { NODE_ENV: 'development' }).PII_MASTER_KEY).toBe(DEV_PII_MASTER_KEY);
    expect(() => loadConfig(privacyConfigSpec, { NODE_ENV: 'development', HOST: '0.0.0.0' })).toThrow(
      /PII_MASTER_KEY is required/,
    );
    expect(() => loadConfig(privacyConfigSpec, { NODE_ENV: 'production', PII_MASTER_KEY: DEV_PII_MASTER_KEY })).toThrow(
      /PII_MASTER_KEY is the public development value/,
    );
  });

  it('asks for ESDB_URL instead of DATABASE_URL when the store is EventStoreDB', () => {
    const { DATABASE_URL: _, ...withoutDatabase } = complete;
    expect(badVariables({ ...withoutDatabase, EVENT_STORE: 'esdb' })).toEqual(['ESDB_URL']);
    expect(
      loadBaseConfig({ ...withoutDatabase, EVENT_STORE: 'esdb', ESDB_URL: 'esdb://127.0.0.1:2113?tls=false' }).ESDB_URL,
    ).toBe('esdb://127.0.0.1:2113?tls=false');
  });

  it('rejects malformed values', () => {
    expect(
      badVariables({
        ...complete,
        PORT: '0',
        LOG_LEVEL: 'loud',
        SERVICE_NAME: 'Contacts Service',
        HTTP_BODY_LIMIT: 'big',
        MONGODB_URI: 'localhost',
      }),
    ).toEqual(['HTTP_BODY_LIMIT', 'LOG_LEVEL', 'MONGODB_URI', 'PORT', 'SERVICE_NAME']);
  });
});
