import { loadContactsConfig, type ContactsConfig } from '../src/config';

/** The service's configuration for a test: its own schema, read database and topic prefix, plus any overrides. */
export const contactsTestConfig = (schema: string, overrides: Record<string, string> = {}): ContactsConfig =>
  loadContactsConfig({
    ...process.env,
    NODE_ENV: 'test',
    CONTACTS_DB_SCHEMA: schema,
    CONTACTS_READ_DB: schema,
    KAFKA_TOPIC_PREFIX: `test-${schema}`,
    ...overrides,
  });
