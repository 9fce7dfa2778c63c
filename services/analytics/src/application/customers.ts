import { Injectable } from '@nestjs/common';
import { ReadModels } from '@crm/service-kit';
import { resolveCustomer, type IdentityLinks, type ResolvedCustomer } from '../domain/identity';
import { customerProfileProjection } from './read-models/customer-profile';
import { identitiesProjection } from './read-models/identities';
import { timelineProjection } from './read-models/timeline';

/** Which customer an id stands for now, with the contacts merged into it; shared by the timeline and the profile. */
@Injectable()
export class Customers {
  private readonly links: IdentityLinks;

  constructor(private readonly readModels: ReadModels) {
    const identities = () => this.readModels.of(identitiesProjection);
    this.links = {
      survivorOf: async (contactId) => (await identities().findOne({ _id: contactId }))?.survivorId ?? undefined,
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
