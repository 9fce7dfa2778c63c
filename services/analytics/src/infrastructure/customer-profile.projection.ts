import { crmContracts } from '@crm/contracts';
import { defineProjection } from '@crm/projections';
import { evolveProfile, type CustomerProfile } from '../domain/customer-profile';
import { customerOf, decodeEvent, occurredAtOf } from '../domain/source-event';

export const PROFILES_COLLECTION = 'customer_profiles';

/**
 * One document per contact with the facts a profile shows. It holds name, e-mail and phone in plaintext, so it
 * opens personal data and keeps nothing personal once the person is erased (a tombstone with the status).
 */
export const customerProfileProjection = (topics: readonly string[]) =>
  defineProjection<CustomerProfile>({
    name: 'customer-profile',
    collection: PROFILES_COLLECTION,
    topics,
    documentId: (event) => customerOf(event),
    evolve: (profile, consumed) => {
      // Validated (and upcast) on receipt: an event that breaks its contract goes to the dead-letter topic.
      const event = decodeEvent(consumed);
      return evolveProfile(profile, {
        customerId: customerOf(consumed)!,
        event,
        occurredAt: occurredAtOf(consumed),
        redacted: crmContracts.isOfErasedCustomer(event.type, consumed.dataVersion, consumed.data),
      });
    },
    opensPersonalData: true,
  });
