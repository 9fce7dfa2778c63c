import { crmContracts } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { evolveIdentity, type IdentityEvent, type IdentityLink } from '../domain/identity';
import { decodeEvent } from '../domain/source-event';

export const IDENTITIES_COLLECTION = 'identities';

const IDENTITY_EVENTS = new Set(['ContactMergedInto', 'ContactUnmerged']);

/** Which contact is merged into which (from the merged contacts' own streams); read to resolve merges. */
export const identitiesProjection = (topics: readonly string[]) =>
  defineProjection<IdentityLink>({
    name: 'identities',
    collection: IDENTITIES_COLLECTION,
    topics,
    documentId: (event) =>
      IDENTITY_EVENTS.has(crmContracts.find(event.type)?.name ?? '')
        ? (event.data as { contactId?: string }).contactId
        : undefined,
    evolve: (link, event) => evolveIdentity(link, decodeEvent(event) as IdentityEvent),
    indexes: [{ fields: { survivorId: 1 }, options: { name: 'by_survivor' } }],
  });
