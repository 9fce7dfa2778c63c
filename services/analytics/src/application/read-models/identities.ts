import { ContactMergedInto, ContactUnmerged } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { evolveIdentity } from '../../domain/identity';

/** Which contact is merged into which (from the merged contacts' own streams); read to resolve merges. */
export const identitiesProjection = defineProjection({
  name: 'identities',
  collection: 'identities',
  handles: [ContactMergedInto, ContactUnmerged],
  documentId: (event) => event.data.contactId,
  evolve: evolveIdentity,
  indexes: [{ fields: { survivorId: 1 }, options: { name: 'by_survivor' } }],
});
