import { Injectable } from '@nestjs/common';
import { ReadModels } from '@crm/service-kit';
import {
  resolveCustomer,
  survivorsOf,
  withMergedContacts,
  type BatchIdentityLinks,
  type ResolvedCustomer,
} from '../domain/identity';
import { customerProfileProjection } from './read-models/customer-profile';
import { identitiesProjection } from './read-models/identities';
import { timelineProjection } from './read-models/timeline';

/** Which customer an id stands for now, with the contacts merged into it; shared by the timeline and the profile. */
@Injectable()
export class Customers {
  private readonly links: BatchIdentityLinks & Parameters<typeof resolveCustomer>[1];

  constructor(private readonly readModels: ReadModels) {
    const identities = () => this.readModels.of(identitiesProjection);
    this.links = {
      survivorOf: async (contactId) => (await identities().findOne({ _id: contactId }))?.survivorId ?? undefined,
      survivorsOf: async (contactIds) =>
        new Map(
          (
            await identities()
              .find({ _id: { $in: [...contactIds] } }, { projection: { survivorId: 1 } })
              .toArray()
          )
            // null: the merge was undone.
            .flatMap((link) => (link.survivorId ? [[link._id, link.survivorId] as const] : [])),
        ),
      mergedInto: async (survivorIds) =>
        (
          await identities()
            .find({ survivorId: { $in: [...survivorIds] } }, { projection: { _id: 1 } })
            .toArray()
        ).map((link) => link._id),
    };
  }

  resolve(requestedId: string): Promise<ResolvedCustomer> {
    return resolveCustomer(requestedId, this.links);
  }

  /** The customer each contact stands for now (itself when not merged). */
  survivorsOf(contactIds: readonly string[]): Promise<Map<string, string>> {
    return survivorsOf(contactIds, this.links);
  }

  /** The customers' own contacts with every contact merged into them. */
  withMergedContacts(customerIds: readonly string[]): Promise<string[]> {
    return withMergedContacts(customerIds, this.links);
  }

  /** Whether any event about these contacts has been projected. */
  async known(contactIds: readonly string[]): Promise<boolean> {
    const ids = [...contactIds];
    if (await this.readModels.of(customerProfileProjection).findOne({ _id: { $in: ids } }, { projection: { _id: 1 } }))
      return true;
    return (
      (await this.readModels.of(timelineProjection).findOne({ customerId: { $in: ids } }, { projection: { _id: 1 } })) !== null
    );
  }
}
