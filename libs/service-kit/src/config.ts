import { topicOf } from '@crm/contracts';
import {
  envVar,
  httpConfigSpec,
  infrastructureConfigSpec,
  loadConfig,
  privacyConfigSpec,
  type ConfigOf,
  type ConfigSpec,
  type Env,
} from '@crm/platform';
import { firesTimers, storesEvents, type ServiceDefinition } from './service';

const postgresIdentifier = () =>
  envVar.string({ maxLength: 63, pattern: /^[a-z_][a-z0-9_]*$/, patternHint: 'a lower-case PostgreSQL identifier' });
const mongoDatabase = () =>
  envVar.string({ maxLength: 63, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'letters, digits, _ and -' });

/** What the kit reads of every service, whatever its name. */
const kitConfigSpec = {
  ...httpConfigSpec,
  ...privacyConfigSpec,
  ...infrastructureConfigSpec,
  /** The subject keys every service seals and opens personal data with; DATABASE_URL when unset. */
  SUBJECT_KEYS_DATABASE_URL: envVar.url(['postgres', 'postgresql']).optional(),
  /** Their schema there: one store for the whole CRM (a person has one key, whichever service holds their data). */
  SUBJECT_KEYS_SCHEMA: postgresIdentifier().default('privacy'),
};

export type KitConfig = ConfigOf<typeof kitConfigSpec>;
/** What the kit reads of a service that declares timer kinds: how its scheduler claims and runs them (ADR 0019). */
export const timersConfigSpec = {
  /** The longest wait between looks for due timers; a timer scheduled by any replica wakes the schedulers at once. */
  TIMERS_POLL_INTERVAL: envVar.duration().default(1000),
  /** Timers a replica claims at once, and the most it runs at once. */
  TIMERS_BATCH_SIZE: envVar.int({ min: 1, max: 1000 }).default(20),
  /** How long a claim holds without renewal: after a replica's crash, its timers wait this long for another. */
  TIMERS_LEASE: envVar.duration().default(30_000),
};

/** A service's configuration: the kit's variables, its own, and its schema and read database (`<NAME>_DB_SCHEMA`...). */
export type ServiceConfig<Spec extends ConfigSpec = ConfigSpec> = KitConfig & ConfigOf<Spec> & Readonly<Record<string, unknown>>;

/** `CONTACTS` for contacts, `CUSTOMER_SUCCESS` for customer-success: the prefix of a service's own variables. */
export const envPrefixOf = (service: string): string => service.replace(/-/g, '_').toUpperCase();

/**
 * Every variable a service reads, validated at start (a wrong or missing one stops it with a message naming it):
 * HTTP, auth, logging; Kafka, MongoDB, PostgreSQL; the shared subject keys; `<NAME>_DB_SCHEMA` (its tables,
 * default its name) and `<NAME>_READ_DB` (its read models, default `crm_<name>`); and its own.
 */
export function serviceConfigSpec(definition: Pick<ServiceDefinition, 'name' | 'aggregates' | 'timers' | 'config'>): ConfigSpec {
  const prefix = envPrefixOf(definition.name);
  const snake = definition.name.replace(/-/g, '_');
  return {
    ...kitConfigSpec,
    // The relay keeps its checkpoint in PostgreSQL whatever the event store, timers their table; without either only
    // the keys need it.
    DATABASE_URL:
      storesEvents(definition) || firesTimers(definition)
        ? envVar.url(['postgres', 'postgresql'])
        : envVar
            .url(['postgres', 'postgresql'])
            .requiredWhen('SUBJECT_KEYS_DATABASE_URL is unset', (config) => !config.SUBJECT_KEYS_DATABASE_URL),
    [`${prefix}_DB_SCHEMA`]: postgresIdentifier().default(snake),
    [`${prefix}_READ_DB`]: mongoDatabase().default(`crm_${snake}`),
    ...(firesTimers(definition) ? timersConfigSpec : {}),
    ...definition.config,
  };
}

export function loadServiceConfig<Spec extends ConfigSpec>(
  definition: ServiceDefinition<Spec>,
  env: Env = process.env,
): ServiceConfig<Spec> {
  return loadConfig(serviceConfigSpec(definition), env) as ServiceConfig<Spec>;
}

/** What the kit derives from the configuration, as the service's code asks for it (inject SERVICE_SETTINGS). */
export interface ServiceSettings {
  readonly name: string;
  /** The PostgreSQL schema of its tables (events, relay checkpoint, idempotency keys, import jobs...). */
  readonly schema: string;
  /** The MongoDB database of its read models. */
  readonly readDatabase: string;
  readonly topicPrefix: string;
  /** The topic of a service under this configuration's prefix: `crm.contacts`. */
  readonly topicOf: (service: string) => string;
  readonly subjectKeys: { readonly databaseUrl: string; readonly schema: string; readonly masterKey: string };
}

export function settingsOf(name: string, config: ServiceConfig): ServiceSettings {
  const prefix = envPrefixOf(name);
  const topicPrefix = config.KAFKA_TOPIC_PREFIX;
  return {
    name,
    schema: config[`${prefix}_DB_SCHEMA`] as string,
    readDatabase: config[`${prefix}_READ_DB`] as string,
    topicPrefix,
    topicOf: (service) => topicOf(service, topicPrefix),
    subjectKeys: {
      databaseUrl: (config.SUBJECT_KEYS_DATABASE_URL ?? config.DATABASE_URL) as string,
      schema: config.SUBJECT_KEYS_SCHEMA,
      masterKey: config.PII_MASTER_KEY,
    },
  };
}
