import { INTERACTION_CHANNELS, INTERACTION_DIRECTIONS, InteractionLogged, type InteractionLoggedData } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { defineListQuery } from '@crm/read-api';

/**
 * Which interactions a contact had: an index without personal data (no participants, subject or body).
 * Those stay sealed in the interaction's stream and are read from there, opened, when shown.
 */
export type InteractionIndexEntry = Pick<
  InteractionLoggedData,
  'interactionId' | 'contactId' | 'channel' | 'direction' | 'occurredAt' | 'externalId' | 'companyId'
> & { loggedAt: string };

export function interactionIndexEntry(data: InteractionLoggedData): InteractionIndexEntry {
  const { interactionId, contactId, channel, direction, occurredAt, externalId, companyId, at } = data;
  return { interactionId, contactId, channel, direction, occurredAt, externalId, companyId, loggedAt: at };
}

export const contactInteractionsProjection = defineProjection({
  name: 'contact-interactions',
  collection: 'contact_interactions',
  handles: [InteractionLogged],
  documentId: (event) => event.data.interactionId,
  // An interaction is logged once and never changes: the first event makes the entry.
  evolve: (doc: InteractionIndexEntry | undefined, event) => doc ?? interactionIndexEntry(event.data),
  indexes: [{ fields: { contactId: 1, occurredAt: -1, _id: -1 } }],
});

/** What `GET /v1/contacts/{id}/interactions` filters and sorts on. */
export const contactInteractionsQuery = defineListQuery({
  readModel: contactInteractionsProjection,
  // The endpoint reads one contact's entries: its index starts with the contact.
  scope: ['contactId'],
  fields: {
    channel: { type: 'enum', values: INTERACTION_CHANNELS },
    direction: { type: 'enum', values: INTERACTION_DIRECTIONS },
    occurredAt: { type: 'date-time' },
    companyId: { type: 'uuid' },
  },
  sortable: ['occurredAt'],
  defaultSort: '-occurredAt',
});
