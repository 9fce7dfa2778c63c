import { envVar, httpConfigSpec, infrastructureConfigSpec, loadConfig, privacyConfigSpec, type ConfigOf } from '@crm/platform';

const postgresUrl = () => envVar.url(['postgres', 'postgresql']);

export const analyticsConfigSpec = {
  ...httpConfigSpec,
  // Opens the personal data that the contacts service sealed: the same master key as contacts.
  ...privacyConfigSpec,
  PORT: envVar.port().default(3005),
  KAFKA_BROKERS: infrastructureConfigSpec.KAFKA_BROKERS,
  KAFKA_TOPIC_PREFIX: infrastructureConfigSpec.KAFKA_TOPIC_PREFIX,
  MONGODB_URI: infrastructureConfigSpec.MONGODB_URI,
  ANALYTICS_READ_DB: envVar
    .string({ maxLength: 63, pattern: /^[A-Za-z0-9_-]+$/, patternHint: 'letters, digits, _ and -' })
    .default('crm_analytics'),
  /** The PostgreSQL holding the contacts service's subject keys; DATABASE_URL when unset. */
  SUBJECT_KEYS_DATABASE_URL: postgresUrl().optional(),
  DATABASE_URL: postgresUrl().requiredWhen('SUBJECT_KEYS_DATABASE_URL is unset', (config) => !config.SUBJECT_KEYS_DATABASE_URL),
  /** The contacts service's schema there (its CONTACTS_DB_SCHEMA). */
  SUBJECT_KEYS_SCHEMA: envVar
    .string({ maxLength: 63, pattern: /^[a-z_][a-z0-9_]*$/, patternHint: 'a lower-case PostgreSQL identifier' })
    .default('contacts'),
};

export type AnalyticsConfig = ConfigOf<typeof analyticsConfigSpec>;

export const loadAnalyticsConfig = (env: NodeJS.ProcessEnv = process.env): AnalyticsConfig =>
  loadConfig(analyticsConfigSpec, env);

export const subjectKeysDatabaseUrl = (config: AnalyticsConfig): string =>
  (config.SUBJECT_KEYS_DATABASE_URL ?? config.DATABASE_URL)!;
