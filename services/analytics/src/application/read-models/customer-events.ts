import { crmContracts, type AnyEventContract } from '@crm/contracts';

/**
 * Every event of every service that concerns a customer (its contract names a customer id, and how the timeline shows
 * it): what the timeline and the profile are built from. A new service's events show without a change here.
 */
export const customerEvents: readonly AnyEventContract[] = crmContracts
  .all()
  .filter((contract) => contract.timeline !== undefined);

/** How the timeline shows an event: its contract's presentation. */
export const presentationOf = (type: string) => crmContracts.get(type).timeline!;

/** Every category the timeline can show, for the API's filter. */
export const timelineCategories: readonly string[] = crmContracts.timelineCategories();
