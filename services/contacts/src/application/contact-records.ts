import { Inject, Injectable } from '@nestjs/common';
import type { Connection, mongo } from 'mongoose';
import type { InteractionLoggedData } from '@crm/contracts';
import { escapeRegex, findPage, type ListPage, type ParsedListQuery } from '@crm/read-api';
import { READ_MODELS } from '@crm/projections/nest/read-models.module';
import { likelyDuplicates, type DuplicateProbe, type LikelyDuplicate } from '../domain/duplicates';
import { ContactErasedError, ContactNotFound, type LiveContact } from '../domain/contact';
import type { Interaction } from '../domain/interaction';
import { COMPANY_LIST_COLLECTION, type CompanyListItem } from '../infrastructure/company-list.projection';
import { INTERACTION_INDEX_COLLECTION, type InteractionIndexEntry } from '../infrastructure/contact-interactions.projection';
import { CONTACT_LIST_COLLECTION, contactListQuery, type ContactListItem } from '../infrastructure/contact-list.projection';
import { contactHistory, contactView, type ContactView, type HistoryEntry } from './contact-view';
import { COMPANIES, INTERACTIONS, type Companies, type Interactions } from './repositories';
import { ContactWorkflows } from './contact-workflows';

type Doc<T> = T & { _id: string };

/** A name-alike at a big company is looked for among this many of its people at most. */
const MAX_COLLEAGUES_COMPARED = 1000;
/** A search term matches at most this many companies by name (the contacts at them are then found too). */
const MAX_COMPANIES_PER_SEARCH = 100;

/** Everything held about a person (GDPR access request), as `GET /v1/contacts/{id}/personal-data` returns it. */
export interface PersonalDataExport {
  exportedAt: string;
  contact: ContactView;
  history: HistoryEntry[];
  consentLedger: unknown[];
  companies: { companyId: string; role?: string; name?: string }[];
  interactions: InteractionLoggedData[];
  /** Contacts merged into this one: their own records up to the merge. */
  mergedContacts: { contactId: string; history: HistoryEntry[]; consentLedger: unknown[] }[];
}

/**
 * Reads that combine a contact with the read models: its interactions, its likely duplicates, the export of
 * everything about it. The contact itself always comes from its stream (read-your-writes); the read models
 * only say which other records to look at.
 */
@Injectable()
export class ContactRecords {
  constructor(
    private readonly workflows: ContactWorkflows,
    @Inject(INTERACTIONS) private readonly interactions: Interactions,
    @Inject(COMPANIES) private readonly companies: Companies,
    @Inject(READ_MODELS) private readonly readModels: Connection,
  ) {}

  /** The contact's interactions (and those of the contacts merged into it), each read whole from its stream. */
  async interactionsOf(contactId: string, query: ParsedListQuery): Promise<ListPage<InteractionLoggedData>> {
    const contact = await this.workflows.liveContact(contactId);
    const filter = { $and: [query.filter, { contactId: { $in: mergedIdsOf(contact) } }] };
    const index = this.collection<InteractionIndexEntry>(INTERACTION_INDEX_COLLECTION);
    const entries = await findPage(index, { ...query, filter });
    return { ...entries, items: await this.loadInteractions(entries.items.map((entry) => entry.interactionId)) };
  }

  /** Likely duplicates: the same e-mail or phone anywhere, or a similar name at the same company. */
  async duplicatesOf(contactId: string): Promise<{ items: LikelyDuplicate[] }> {
    const contact = await this.workflows.liveContact(contactId);
    const subject = probeOf(contact);
    const or: mongo.Filter<Doc<ContactListItem>>[] = [];
    if (subject.emails.length > 0) or.push({ emails: { $in: [...subject.emails] } });
    if (subject.phones.length > 0) or.push({ phones: { $in: [...subject.phones] } });
    if (subject.companyIds.length > 0) or.push({ companyIds: { $in: [...subject.companyIds] } });
    if (or.length === 0) return { items: [] };
    const candidates = await this.collection<ContactListItem>(CONTACT_LIST_COLLECTION)
      .find({ $and: [{ $or: or }, { mergedInto: { $exists: false } }, { _id: { $ne: contact.contactId } }] })
      .limit(MAX_COLLEAGUES_COMPARED)
      .toArray();
    return { items: likelyDuplicates(subject, candidates) };
  }

  /**
   * `GET /v1/contacts`'s query made safe (the list and its export both read it): people are found by their
   * company's name too (the companies matching `q` widen the search); merged contacts only with `includeMerged=true`.
   */
  async parseContactList(query: Record<string, unknown>): Promise<ParsedListQuery> {
    const searched = contactListQuery.parse(query);
    const parsed = searched.search
      ? contactListQuery.parse(query, { widenSearch: { companyIds: { $in: await this.companiesMatching(searched.search) } } })
      : searched;
    const filter =
      query.includeMerged === 'true' || 'mergedInto' in parsed.filter
        ? parsed.filter
        : { $and: [parsed.filter, { mergedInto: { $exists: false } }] };
    return { ...parsed, filter };
  }

  /** The ids of the companies whose name or a domain starts with the (normalized) search text. */
  async companiesMatching(search: string): Promise<string[]> {
    const companies = await this.collection<CompanyListItem>(COMPANY_LIST_COLLECTION)
      .find({ search: { $regex: `^${escapeRegex(search)}` } }, { projection: { _id: 1 } })
      .limit(MAX_COMPANIES_PER_SEARCH)
      .toArray();
    return companies.map((company) => company._id);
  }

  /** Everything held about a person: profile, every change, consents, companies, interactions, merged records. */
  async personalData(contactId: string, now: string): Promise<PersonalDataExport> {
    const { state: contact, revision } = await this.workflows.live(contactId);
    const [ownId, ...mergedIds] = mergedIdsOf(contact);
    const own = await this.recordOf(ownId);
    const mergedContacts = await Promise.all(mergedIds.map((id) => this.recordOf(id)));
    const companies = await Promise.all(
      Object.entries(contact.companies).map(async ([companyId, link]) => {
        const { state } = await this.companies.load(companyId);
        return { companyId, ...link, ...(state.status !== 'none' && { name: state.profile.name }) };
      }),
    );
    const entries = await this.collection<InteractionIndexEntry>(INTERACTION_INDEX_COLLECTION)
      .find({ contactId: { $in: [ownId, ...mergedIds] } }, { projection: { _id: 1 } })
      .sort({ occurredAt: 1, _id: 1 })
      .toArray();
    return {
      exportedAt: now,
      contact: contactView(contact, revision),
      history: own.history,
      consentLedger: own.consentLedger,
      companies,
      interactions: await this.loadInteractions(entries.map((entry) => entry._id)),
      mergedContacts,
    };
  }

  /** One contact's own stream: its history and consent ledger (404 for an unknown contact, 410 once erased). */
  async recordOf(contactId: string): Promise<{ contactId: string; history: HistoryEntry[]; consentLedger: unknown[] }> {
    const entries = await this.workflows.contacts.history(contactId);
    if (entries.length === 0) throw new ContactNotFound(contactId);
    if (entries.some(({ event }) => event.type === 'ContactErased')) throw new ContactErasedError(contactId);
    return {
      contactId,
      history: contactHistory(entries),
      consentLedger: entries.flatMap(({ event, recorded }) =>
        event.type === 'ContactConsentChanged' ? [{ ...event.data, recordedAt: recorded.recordedAt.toISOString() }] : [],
      ),
    };
  }

  private async loadInteractions(ids: readonly string[]): Promise<InteractionLoggedData[]> {
    const states = await Promise.all(ids.map(async (id) => (await this.interactions.load(id)).state));
    return states.flatMap((state: Interaction) => (state.status === 'logged' ? [state.interaction] : []));
  }

  private collection<T>(name: string): mongo.Collection<Doc<T>> {
    return this.readModels.collection<Doc<T>>(name);
  }
}

/** The contact and every contact merged into it (not undone): whose interactions are its own now. */
function mergedIdsOf(contact: LiveContact): string[] {
  return [contact.contactId, ...contact.merges.filter((merge) => !merge.undone).flatMap((merge) => merge.mergedContactIds)];
}

function probeOf(contact: LiveContact): DuplicateProbe {
  const { name, emails, phones } = contact.profile;
  return {
    contactId: contact.contactId,
    givenName: name.given,
    familyName: name.family,
    emails: emails.map((email) => email.address),
    phones: phones.map((phone) => phone.number),
    companyIds: Object.keys(contact.companies),
  };
}
