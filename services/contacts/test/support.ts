import type { ServiceConfig } from '@crm/service-kit';
import { serviceTestConfig } from '@crm/service-kit/testing';
import { contactsService } from '../src/contacts.service';

/** The service's configuration for a test: its own schema, read database and topic prefix, plus any overrides. */
export const contactsTestConfig = (schema: string, overrides: Record<string, string> = {}): ServiceConfig =>
  serviceTestConfig(contactsService, {
    CONTACTS_DB_SCHEMA: schema,
    CONTACTS_READ_DB: schema,
    SUBJECT_KEYS_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: `test-${schema}`,
    ...overrides,
  });
