import { defineProjection } from '@crm/projections';
import { evolveProfile, type CustomerProfile, type ProfileInput } from '../../domain/customer-profile';
import { occurredAtOf } from '../../domain/timeline';
import { customerEvents } from './customer-events';

/**
 * One document per contact with the facts a profile shows. It holds name, e-mail and phone in plaintext, so it keeps
 * nothing personal once the person is erased (a tombstone with the status).
 */
export const customerProfileProjection = defineProjection<CustomerProfile>({
  name: 'customer-profile',
  collection: 'customer_profiles',
  handles: customerEvents,
  unknownEvents: 'dead-letter',
  documentId: (event) => event.subject,
  evolve: (profile, event) =>
    evolveProfile(profile, {
      customerId: event.subject!,
      // Events of other services pass through its default branch (they only date the profile), but a lead's erasure.
      event: event as ProfileInput['event'],
      occurredAt: occurredAtOf(event),
      redacted: event.personalDataErased,
    }),
});
