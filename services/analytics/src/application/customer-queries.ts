import { Inject, Injectable } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { crmContracts } from '@crm/contracts';
import type { PersonalDataVault } from '@crm/privacy';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { combineActivity, type LiveProfile } from '../domain/customer-profile';
import { resolveCustomer } from '../domain/identity';
import { PERSONAL_DATA_READER } from '../infrastructure/analytics-infrastructure.module';
import { AnalyticsReadModels } from '../infrastructure/read-models';
import { CustomerNotFound } from './errors';
import { encodeCursor, TIMELINE_ORDER, timelineFilter, type TimelineRequest } from './timeline-query';
import { profileView, type ProfileView, type TimelineItem, type TimelinePage } from './views';

/** The read side: a customer's timeline and profile, merges resolved and personal data opened when read. */
@Injectable()
export class CustomerQueries {
  private readonly models: AnalyticsReadModels;

  constructor(
    @Inject(READ_MODELS) connection: Connection,
    @Inject(PERSONAL_DATA_READER) private readonly vault: PersonalDataVault,
  ) {
    this.models = new AnalyticsReadModels(connection);
  }

  async timeline(requestedId: string, request: TimelineRequest): Promise<TimelinePage> {
    const customer = await resolveCustomer(requestedId, this.models.identityLinks);
    const entries = await this.models.timeline
      .find(timelineFilter(customer.contactIds, request), { projection: { _meta: 0 } })
      .sort(TIMELINE_ORDER)
      .limit(request.limit + 1)
      .toArray();
    if (entries.length === 0 && !(await this.models.knows(customer.contactIds))) throw new CustomerNotFound(requestedId);
    const page = entries.slice(0, request.limit);
    // One key lookup for the page; an erased person's values open as null.
    const opened = await this.vault.open(page.map(({ type, dataVersion, data }) => ({ type, dataVersion, data })));
    const items = page.map(({ _id: _id, dataVersion, ...entry }, index): TimelineItem => ({
      ...entry,
      data: crmContracts.toCurrent(entry.type, dataVersion, opened[index].data),
    }));
    const last = page[page.length - 1];
    return entries.length > request.limit ? { ...customer, items, next: encodeCursor(last) } : { ...customer, items };
  }

  async profile(requestedId: string): Promise<ProfileView> {
    const customer = await resolveCustomer(requestedId, this.models.identityLinks);
    const profiles = await this.models.profiles
      .find({ _id: { $in: customer.contactIds } }, { projection: { _meta: 0 } })
      .toArray();
    const own = profiles.find((profile) => profile._id === customer.customerId);
    if (!own) throw new CustomerNotFound(requestedId);
    if (own.status === 'erased') return { ...customer, status: 'erased', ...(own.erasedAt ? { erasedAt: own.erasedAt } : {}) };
    const { _id: _ownId, ...ownProfile } = own as LiveProfile & { _id: string };
    const companyIds = ownProfile.companyLinks.map((link) => link.companyId);
    const companies = companyIds.length === 0 ? [] : await this.models.companies.find({ _id: { $in: companyIds } }).toArray();
    return profileView(customer, ownProfile, combineActivity(profiles)!, companies);
  }
}
