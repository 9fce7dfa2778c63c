import { ContactMergedInto, ContactUnmerged, LeadConverted } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { evolveIdentity, linkedIdOf } from '../../domain/identity';

/**
 * Which contact is merged into which (from the merged contacts' own streams), and which lead was linked to an existing
 * contact (LeadConverted); read to resolve merges and conversions.
 */
export const identitiesProjection = defineProjection({
  name: 'identities',
  collection: 'identities',
  handles: [ContactMergedInto, ContactUnmerged, LeadConverted],
  documentId: linkedIdOf,
  evolve: evolveIdentity,
  indexes: [{ fields: { survivorId: 1 }, options: { name: 'by_survivor' } }],
});
