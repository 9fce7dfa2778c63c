import { crmContracts, INTERACTION_CHANNELS, INTERACTION_DIRECTIONS, type InteractionLoggedData } from '@crm/contracts';
import { defineListQuery } from '@crm/read-api';
import { defineProjection, withoutUndefined } from '@crm/projections';

/**
 * Which interactions a contact had: an index without personal data (no participants, subject or body).
 * Those stay sealed in the interaction's stream and are read from there, opened, when shown.
 */
export type InteractionIndexEntry = Pick<
  InteractionLoggedData,
  'interactionId' | 'contactId' | 'channel' | 'direction' | 'occurredAt' | 'externalId' | 'companyId'
> & { loggedAt: string };

export const INTERACTION_INDEX_COLLECTION = 'contact_interactions';

export function interactionIndexEntry(data: InteractionLoggedData): InteractionIndexEntry {
  const { interactionId, contactId, channel, direction, occurredAt, externalId, companyId, at } = data;
  return withoutUndefined({ interactionId, contactId, channel, direction, occurredAt, externalId, companyId, loggedAt: at });
}

export const contactInteractionsProjection = (topic: string) =>
  defineProjection<InteractionIndexEntry>({
    name: 'contact-interactions',
    collection: INTERACTION_INDEX_COLLECTION,
    topics: [topic],
    documentId: (event) =>
      event.type === 'crm.contacts.InteractionLogged' ? (event.data as { interactionId?: string }).interactionId : undefined,
    // An interaction is logged once and never changes: the first event makes the entry.
    evolve: (doc, consumed) => doc ?? interactionIndexEntry(consumed.data as InteractionLoggedData),
    // The entry keeps no personal data, but the event is still checked against its contract (opened copy).
    checkOpened: (opened) => void crmContracts.decode('InteractionLogged', opened.dataVersion, opened.data),
    indexes: [{ fields: { contactId: 1, occurredAt: -1, _id: -1 } }],
  });

/** What `GET /v1/contacts/{id}/interactions` filters and sorts on. */
export const contactInteractionsQuery = defineListQuery({
  fields: {
    channel: { type: 'enum', values: INTERACTION_CHANNELS },
    direction: { type: 'enum', values: INTERACTION_DIRECTIONS },
    occurredAt: { type: 'date-time' },
    companyId: { type: 'uuid' },
  },
  sortable: ['occurredAt'],
  defaultSort: '-occurredAt',
});
