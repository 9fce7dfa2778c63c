import type { ChannelStats, CompanyLinkState, ConsentState, LiveProfile } from '../domain/customer-profile';
import type { CompanySummary } from '../domain/company';
import type { ResolvedCustomer } from '../domain/identity';
import type { SalesFacts } from '../domain/sales-record';
import type { TimelineEntry } from '../domain/timeline';

/** Which customer answered: the survivor, with every contact id whose history is combined into the answer. */
export type CustomerHeader = ResolvedCustomer;

/**
 * A timeline entry as served: personal data opened (null once the person is erased), data in its current version,
 * and the title its contract gives it.
 */
export type TimelineItem = Omit<TimelineEntry, 'dataVersion'> & { title: string };

export interface TimelinePage extends CustomerHeader {
  items: TimelineItem[];
  /** The cursor of the next page; absent on the last one. */
  next?: string;
}

export interface CompanyLinkView extends CompanyLinkState {
  /** From the companies read model; absent while the company is not projected yet. */
  name?: string;
  companyStatus?: CompanySummary['status'];
}

export interface InteractionSummary {
  total: number;
  byChannel: Record<string, ChannelStats>;
}

export type ProfileView = CustomerHeader &
  (
    | { status: 'erased'; erasedAt?: string }
    | (Omit<LiveProfile, 'contactId' | 'companyLinks' | 'interactions' | 'mergedInto' | 'mergeId' | 'sales'> & {
        companies: CompanyLinkView[];
        consents: ConsentState[];
        interactions: InteractionSummary;
        sales: SalesFacts;
      })
  );

/**
 * The survivor's own facts (its fields already reflect merges through ContactsMerged), with the interactions,
 * first/last seen and sales of every contact merged into it, and the names of the companies it is linked to.
 */
export function profileView(
  header: CustomerHeader,
  own: LiveProfile,
  activity: Pick<LiveProfile, 'interactions' | 'firstSeenAt' | 'lastSeenAt'>,
  companies: readonly CompanySummary[],
  sales: SalesFacts,
): ProfileView {
  const {
    contactId: _contactId,
    companyLinks,
    interactions: _own,
    mergedInto: _mergedInto,
    mergeId: _mergeId,
    sales: _sales,
    ...facts
  } = own;
  const byId = new Map(companies.map((company) => [company.companyId, company]));
  return {
    ...header,
    ...facts,
    firstSeenAt: activity.firstSeenAt,
    lastSeenAt: activity.lastSeenAt,
    companies: companyLinks.map((link) => {
      const company = byId.get(link.companyId);
      return company ? { ...link, name: company.name, companyStatus: company.status } : link;
    }),
    interactions: {
      total: Object.values(activity.interactions).reduce((sum, stats) => sum + stats.count, 0),
      byChannel: activity.interactions,
    },
    sales,
  };
}
