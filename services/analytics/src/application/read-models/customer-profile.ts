import { defineProjection } from '@crm/projections';
import { evolveProfile, type CustomerProfile, type ProfileInput } from '../../domain/customer-profile';
import { occurredAtOf } from '../../domain/timeline';
import { customerEvents } from './customer-events';

/**
 * One document per contact with the facts a profile shows, its orders and deals included (what the product queries
 * read too). It holds name, e-mail and phone in plaintext, so it keeps nothing once the person is erased (a tombstone
 * with the status).
 */
export const customerProfileProjection = defineProjection<CustomerProfile>({
  name: 'customer-profile',
  collection: 'customer_profiles',
  handles: customerEvents,
  unknownEvents: 'dead-letter',
  // 2: the sales record (orders and deals) joined the profile.
  version: 2,
  documentId: (event) => event.subject,
  indexes: [{ fields: { 'sales.boughtProductIds': 1 }, options: { name: 'by_product_bought' } }],
  evolve: (profile, event) =>
    evolveProfile(profile, {
      customerId: event.subject!,
      // Events of other services than contacts and sales only date the profile (a lead's erasure is a person's).
      event: event as ProfileInput['event'],
      occurredAt: occurredAtOf(event),
      redacted: event.personalDataErased,
    }),
});
