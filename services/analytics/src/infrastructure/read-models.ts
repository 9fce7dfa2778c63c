import type { Connection, mongo } from 'mongoose';
import type { CompanySummary } from '../domain/company';
import type { CustomerProfile } from '../domain/customer-profile';
import type { IdentityLink, IdentityLinks } from '../domain/identity';
import type { TimelineEntry } from '../domain/timeline';
import { COMPANIES_COLLECTION } from './companies.projection';
import { PROFILES_COLLECTION } from './customer-profile.projection';
import { IDENTITIES_COLLECTION } from './identities.projection';
import { TIMELINE_COLLECTION } from './timeline.projection';

type Stored<T> = T & { _id: string };

/** The analytics read models as the query side reads them (by name: a rebuild swaps a collection under its name). */
export class AnalyticsReadModels {
  constructor(private readonly connection: Connection) {}

  get timeline(): mongo.Collection<Stored<TimelineEntry>> {
    return this.db.collection(TIMELINE_COLLECTION);
  }

  get profiles(): mongo.Collection<Stored<CustomerProfile>> {
    return this.db.collection(PROFILES_COLLECTION);
  }

  get companies(): mongo.Collection<Stored<CompanySummary>> {
    return this.db.collection(COMPANIES_COLLECTION);
  }

  get identities(): mongo.Collection<Stored<IdentityLink>> {
    return this.db.collection(IDENTITIES_COLLECTION);
  }

  /** The merge links, as merge resolution reads them. */
  readonly identityLinks: IdentityLinks = {
    survivorOf: async (contactId) => (await this.identities.findOne({ _id: contactId }))?.survivorId ?? undefined,
    mergedInto: async (survivorIds) =>
      (await this.identities.find({ survivorId: { $in: [...survivorIds] } }, { projection: { _id: 1 } }).toArray()).map(
        (link) => link._id,
      ),
  };

  /** Whether any event about these contacts has been projected. */
  async knows(contactIds: readonly string[]): Promise<boolean> {
    const ids = [...contactIds];
    if (await this.profiles.findOne({ _id: { $in: ids } }, { projection: { _id: 1 } })) return true;
    return (await this.timeline.findOne({ customerId: { $in: ids } }, { projection: { _id: 1 } })) !== null;
  }

  private get db(): mongo.Db {
    if (!this.connection.db) throw new Error('The read-model connection is not open');
    return this.connection.db;
  }
}
