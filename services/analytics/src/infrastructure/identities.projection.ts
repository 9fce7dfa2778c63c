import { defineProjection } from '@crm/projections';
import { evolveIdentity, type IdentityEvent, type IdentityLink } from '../domain/identity';
import { decodeEvent, idFieldOf } from '../domain/source-event';

export const IDENTITIES_COLLECTION = 'identities';

/** Which contact is merged into which (from the merged contacts' own streams); read to resolve merges. */
export const identitiesProjection = (topics: readonly string[]) =>
  defineProjection<IdentityLink>({
    name: 'identities',
    collection: IDENTITIES_COLLECTION,
    topics,
    documentId: idFieldOf(['ContactMergedInto', 'ContactUnmerged'], 'contactId'),
    evolve: (link, event) => evolveIdentity(link, decodeEvent(event) as IdentityEvent),
    indexes: [{ fields: { survivorId: 1 }, options: { name: 'by_survivor' } }],
  });
