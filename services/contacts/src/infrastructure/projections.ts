import { companyListProjection } from './company-list.projection';
import { contactInteractionsProjection } from './contact-interactions.projection';
import { contactListProjection } from './contact-list.projection';

/** Every read model of the contacts service (also listed in deploy/services.json for the rebuild command). */
export const contactsProjections = (topic: string) => [
  contactListProjection(topic),
  companyListProjection(topic),
  contactInteractionsProjection(topic),
];
