import { crmContracts, topicOf } from '@crm/contracts';
import { deadLetterTopicOf, ensureTopics } from '@crm/messaging';
import type { Kafka } from 'kafkajs';

/**
 * The topics (and dead-letter topics) of the services with contracts that a test does not start, created empty as
 * those services create them when they start: analytics reads every service's topic and waits for each one before
 * it starts. Returns them, for the test's clean-up.
 */
export async function ensureTopicsOfServicesNotStarted(
  kafka: Kafka,
  prefix: string,
  started: readonly string[],
): Promise<string[]> {
  const topics = crmContracts
    .services()
    .filter((service) => !started.includes(service))
    .flatMap((service) => [topicOf(service, prefix), deadLetterTopicOf(topicOf(service, prefix))]);
  if (topics.length > 0) await ensureTopics(kafka, topics);
  return topics;
}
