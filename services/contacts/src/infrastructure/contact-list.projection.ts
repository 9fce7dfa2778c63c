import { crmContracts, isRedacted } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import type { ContactEvent } from '../domain/contact';

/** A contact as lists show it: the contacts service's own read model. */
export interface ContactListItem {
  contactId: string;
  givenName: string;
  familyName: string;
  email?: string;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
}

export const contactListProjection = (topic: string) =>
  defineProjection<ContactListItem>({
    name: 'contact-list',
    collection: 'contact_list',
    topics: [topic],
    documentId: (event) => (event.data as { contactId?: string }).contactId,
    evolve: (doc, consumed) => {
      // Validated (and upcast) on receipt: an event that breaks its contract goes to the dead-letter topic.
      const type = consumed.type.slice('crm.contacts.'.length);
      const event = { type, data: crmContracts.decode(type, consumed.dataVersion, consumed.data) } as ContactEvent;
      // An erased person's events read with null personal data (a replay after the erasure): no document.
      if (isRedacted(event.data, crmContracts.get(type).pii)) return null;
      switch (event.type) {
        case 'ContactCreated': {
          const { contactId, name, email, at } = event.data;
          return {
            contactId,
            givenName: name.given,
            familyName: name.family,
            ...(email ? { email } : {}),
            status: 'active',
            createdAt: at,
            updatedAt: at,
          };
        }
        case 'ContactRenamed':
          return doc
            ? { ...doc, givenName: event.data.name.given, familyName: event.data.name.family, updatedAt: event.data.at }
            : null;
        case 'ContactEmailChanged':
          return doc ? { ...doc, email: event.data.email, updatedAt: event.data.at } : null;
        case 'ContactArchived':
          return doc ? { ...doc, status: 'archived', updatedAt: event.data.at } : null;
        case 'ContactErased':
          return null; // their personal data is in this document in plaintext: it goes
        default:
          return doc ?? null;
      }
    },
    indexes: [{ fields: { email: 1 }, options: { sparse: true } }],
    // Lists and searches need names and e-mails in plaintext; one document per contact, deleted on erasure.
    opensPersonalData: true,
  });
