import { topicOfService } from '@crm/messaging';

/**
 * The services whose topics analytics follows. Another service's topic is added here, once its contracts are in
 * `crmContracts` (an event the contracts do not know is dead-lettered); the read models are built per customer id,
 * whatever topic an event comes from, and never assume an order across topics.
 */
export const SOURCE_SERVICES = ['contacts'] as const;

export const sourceTopics = (prefix: string): string[] => SOURCE_SERVICES.map((service) => topicOfService(service, prefix));
