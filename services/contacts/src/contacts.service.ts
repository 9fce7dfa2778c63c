import { contactsContracts } from '@crm/contracts';
import { IMPORT_MEDIA_TYPES, importConfigSpec } from '@crm/csv';
import { defineService } from '@crm/service-kit';
import { registerContactProblems } from './api/problems';
import { companyListProjection } from './application/read-models/company-list';
import { contactInteractionsProjection } from './application/read-models/contact-interactions';
import { contactListProjection } from './application/read-models/contact-list';
import { ContactsApplication } from './contacts.application';
import { companyAggregate } from './domain/company';
import { contactAggregate } from './domain/contact';
import { customFieldsAggregate } from './domain/custom-fields';
import { contactExternalIdAggregate } from './domain/contact-external-id';
import { interactionAggregate } from './domain/interaction';
import { leadLinkAggregate } from './domain/lead-link';

registerContactProblems();

/**
 * Whose key seals a kept Idempotency-Key response: a merge's answer shows several people, so its merge's key (erased
 * with any of them); other responses about a contact (a contact, an interaction, a consent) name it; company responses
 * hold no personal data.
 */
const subjectOfResponse = (body: unknown): string | undefined => {
  const { mergeId, contactId } = (body ?? {}) as { mergeId?: unknown; contactId?: unknown };
  if (typeof mergeId === 'string') return mergeId;
  return typeof contactId === 'string' ? contactId : undefined;
};

/** The contacts service: people, companies, interactions, consent, duplicates and merges, GDPR export and erasure. */
export const contactsService = defineService({
  name: 'contacts',
  title: 'CRM contacts API',
  // docs/contacts.md has the table of roles per route.
  access: { read: ['sales', 'marketing', 'support', 'analyst'], write: ['sales', 'marketing', 'support'] },
  contracts: contactsContracts,
  aggregates: [
    contactAggregate,
    companyAggregate,
    interactionAggregate,
    customFieldsAggregate,
    contactExternalIdAggregate,
    leadLinkAggregate,
  ],
  projections: [contactListProjection, companyListProjection, contactInteractionsProjection],
  config: importConfigSpec('CONTACTS'),
  application: ContactsApplication,
  extraMediaTypes: IMPORT_MEDIA_TYPES,
  responseSubject: subjectOfResponse,
});
