import type { NestExpressApplication } from '@nestjs/platform-express';
import { topicOf } from '@crm/contracts';
import { createKafka, deadLetterTopicOf, ensureTopics } from '@crm/messaging';
import type { ServiceConfig } from '@crm/service-kit';
import { createServiceTestApp, serviceTestConfig } from '@crm/service-kit/testing';
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

/**
 * The service for a test, started once the topics its reactors consume exist, as their services create them when
 * they start: `<prefix>.sales`, whose lead conversions it links (ADR 0020).
 */
export async function createContactsTestApp(config: ServiceConfig): Promise<NestExpressApplication> {
  const kafka = createKafka({ brokers: [...config.KAFKA_BROKERS], clientId: 'contacts-test-topics' });
  const sales = topicOf('sales', config.KAFKA_TOPIC_PREFIX);
  await ensureTopics(kafka, [sales, deadLetterTopicOf(sales)]);
  return createServiceTestApp(contactsService, config);
}
