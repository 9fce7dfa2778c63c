import { envVar, loadConfig, type ConfigOf, type Env } from './config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const EVENT_STORE_KINDS = ['postgres', 'esdb', 'memory'] as const;

/**
 * The JWT secret used when NODE_ENV is development or test, HOST is loopback and JWT_SECRET is unset (what `npm start`
 * runs with). It is public: anyone who can reach a service that accepts it can mint admin tokens, so it is refused,
 * even when given explicitly, in production or on an address others can reach (see `devDefault`).
 */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

export const JWT_SECRET_MIN_LENGTH = 32;

/** Like DEV_JWT_SECRET: the public development master key for personal data (base64 of 32 bytes). */
export const DEV_PII_MASTER_KEY = Buffer.from('dev-only-pii-master-key-32-bytes').toString('base64');

/** What the HTTP platform itself reads (see PlatformModule / bootstrapHttpService). */
export const httpConfigSpec = {
  /** Anything but development/test is treated as production. */
  NODE_ENV: envVar.oneOf(['production', 'development', 'test']).default('production'),
  /** Defaults to the name the service passes to bootstrapHttpService. */
  SERVICE_NAME: envVar
    .string({ maxLength: 63, pattern: /^[a-z][a-z0-9-]*$/, patternHint: 'lower-case letters, digits and dashes' })
    .optional(),
  /** Where to listen: loopback unless told otherwise (`0.0.0.0` in a container, with a JWT_SECRET of its own). */
  HOST: envVar.host().default('127.0.0.1'),
  PORT: envVar.port().default(3000),
  LOG_LEVEL: envVar.oneOf(LOG_LEVELS).default('info'),
  /** HS256 signing key shared by the services; from the environment (a secret store), never from files in the repo. */
  JWT_SECRET: envVar.string({ minLength: JWT_SECRET_MIN_LENGTH }).secret().devDefault(DEV_JWT_SECRET),
  JWT_ISSUER: envVar.string().optional(),
  JWT_AUDIENCE: envVar.string().optional(),
  /** Largest accepted request body; larger ones get 413. */
  HTTP_BODY_LIMIT: envVar.bytes().default(1024 * 1024),
  /** After SIGTERM, how long draining may take before the process is forced to exit. */
  SHUTDOWN_TIMEOUT: envVar.duration().default(15_000),
};

/** What a service that stores personal data reads (ADR 0007). */
export const privacyConfigSpec = {
  /** Wraps every person's key; base64 of 32 random bytes (`openssl rand -base64 32`), from a secret store. */
  PII_MASTER_KEY: envVar
    .string({ pattern: /^[A-Za-z0-9+/]{43}=$/, patternHint: 'base64 of exactly 32 bytes (openssl rand -base64 32)' })
    .secret()
    .devDefault(DEV_PII_MASTER_KEY),
};

/** The infrastructure every service talks to. */
export const infrastructureConfigSpec = {
  EVENT_STORE: envVar.oneOf(EVENT_STORE_KINDS).default('postgres'),
  DATABASE_URL: envVar
    .url(['postgres', 'postgresql'])
    .requiredWhen('EVENT_STORE is postgres', (c) => c.EVENT_STORE === 'postgres'),
  ESDB_URL: envVar
    .url(['esdb', 'esdb+discover', 'kurrentdb', 'kurrentdb+discover'])
    .requiredWhen('EVENT_STORE is esdb', (c) => c.EVENT_STORE === 'esdb'),
  KAFKA_BROKERS: envVar.hostPortList(),
  /** Topics are `<prefix>.<service>`: another prefix gives an isolated set (a tenant, a test run). */
  KAFKA_TOPIC_PREFIX: envVar.string().default('crm'),
  MONGODB_URI: envVar.url(['mongodb', 'mongodb+srv']),
};

/** The common configuration of a service; extend it with the service's own variables. */
export const baseConfigSpec = { ...httpConfigSpec, ...infrastructureConfigSpec };

export type HttpConfig = ConfigOf<typeof httpConfigSpec>;
export type BaseConfig = ConfigOf<typeof baseConfigSpec>;

export function loadBaseConfig(env: Env = process.env): BaseConfig {
  return loadConfig(baseConfigSpec, env);
}
