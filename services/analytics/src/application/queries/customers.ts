import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { crmContracts } from '@crm/contracts';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest';
import { ReadModels } from '@crm/service-kit';
import { combineActivity, type LiveProfile } from '../../domain/customer-profile';
import { Customers } from '../customers';
import { CustomerNotFound } from '../errors';
import { companiesProjection } from '../read-models/companies';
import { presentationOf } from '../read-models/customer-events';
import { customerProfileProjection } from '../read-models/customer-profile';
import { timelineProjection } from '../read-models/timeline';
import { encodeCursor, TIMELINE_ORDER, timelineFilter, type TimelineRequest } from '../timeline-query';
import { profileView, type ProfileView, type TimelineItem, type TimelinePage } from '../views';

/**
 * Everything that happened with a customer, newest first (occurredAt, then store position), including the history of
 * the contacts merged into it; personal data opened when read (null once the person was erased).
 */
export class CustomerTimeline extends Query<TimelinePage> {
  constructor(
    readonly customerId: string,
    readonly request: TimelineRequest,
  ) {
    super();
  }
}

@QueryHandler(CustomerTimeline)
export class CustomerTimelineHandler implements IQueryHandler<CustomerTimeline> {
  constructor(
    private readonly customers: Customers,
    private readonly readModels: ReadModels,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ customerId: requestedId, request }: CustomerTimeline): Promise<TimelinePage> {
    const customer = await this.customers.resolve(requestedId);
    const entries = await this.readModels
      .of(timelineProjection)
      .find(timelineFilter(customer.contactIds, request), { projection: { _meta: 0 } })
      .sort(TIMELINE_ORDER)
      .limit(request.limit + 1)
      .toArray();
    if (entries.length === 0 && !(await this.customers.known(customer.contactIds))) throw new CustomerNotFound(requestedId);
    const page = entries.slice(0, request.limit);
    // One key lookup for the page; an erased person's values open as null.
    const opened = await this.vault.open(page.map(({ type, dataVersion, data }) => ({ type, dataVersion, data })));
    const items = page.map(({ _id: _id, dataVersion, ...entry }, index): TimelineItem => ({
      ...entry,
      title: presentationOf(entry.type).title,
      data: crmContracts.toCurrent(entry.type, dataVersion, opened[index].data),
    }));
    const last = page[page.length - 1];
    return entries.length > request.limit ? { ...customer, items, next: encodeCursor(last) } : { ...customer, items };
  }
}

/** The customer's current facts, with the interactions of the contacts merged into it. */
export class CustomerProfileQuery extends Query<ProfileView> {
  constructor(readonly customerId: string) {
    super();
  }
}

@QueryHandler(CustomerProfileQuery)
export class CustomerProfileHandler implements IQueryHandler<CustomerProfileQuery> {
  constructor(
    private readonly customers: Customers,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ customerId: requestedId }: CustomerProfileQuery): Promise<ProfileView> {
    const customer = await this.customers.resolve(requestedId);
    const profiles = await this.readModels
      .of(customerProfileProjection)
      .find({ _id: { $in: customer.contactIds } }, { projection: { _meta: 0 } })
      .toArray();
    const own = profiles.find((profile) => profile._id === customer.customerId);
    if (!own) throw new CustomerNotFound(requestedId);
    if (own.status === 'erased') return { ...customer, status: 'erased', ...(own.erasedAt ? { erasedAt: own.erasedAt } : {}) };
    const { _id: _ownId, ...ownProfile } = own as LiveProfile & { _id: string };
    const companyIds = ownProfile.companyLinks.map((link) => link.companyId);
    const companies =
      companyIds.length === 0 ? [] : await this.readModels.of(companiesProjection).find({ _id: { $in: companyIds } }).toArray();
    return profileView(customer, ownProfile, combineActivity(profiles)!, companies);
  }
}
