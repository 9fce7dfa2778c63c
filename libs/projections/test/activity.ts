import { Type } from '@sinclair/typebox';
import { Closed, ContractRegistry, defineEvent } from '@crm/contracts';
import { EventDecoder } from '@crm/messaging';

/** Contracts of a made-up `activity` service, for the runner's own tests. */
const activity = (name: string, description: string) =>
  defineEvent({
    service: 'activity',
    name,
    version: 1,
    description,
    schema: Closed({ revision: Type.Integer({ minimum: 0 }) }),
    example: { revision: 0 },
  });

export const ActivityRecorded = activity('ActivityRecorded', 'Something happened to a contact.');
/** Deletes the contact's document. */
export const ActivityErased = activity('ActivityErased', 'Everything about a contact is forgotten.');
/** The projection cannot apply it: it is retried, then dead-lettered. */
export const ActivityPoisoned = activity('ActivityPoisoned', 'An event the projection throws on.');
export const activityContracts = [ActivityRecorded, ActivityErased, ActivityPoisoned] as const;

export const activityRegistry = new ContractRegistry({ contracts: activityContracts });

/** A decoder over the activity contracts, without a cache: what each test's runner shares with nobody. */
export const activityDecoder = (): EventDecoder => new EventDecoder({ registry: activityRegistry, cacheSize: 0 });
