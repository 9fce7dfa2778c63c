import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { InteractionLoggedData } from '@crm/contracts';
import { findPage, type ListPage } from '@crm/read-api';
import { InjectRepository, ReadModels, type RepositoryOf } from '@crm/service-kit';
import { companyAggregate } from '../../domain/company';
import type { LikelyDuplicate } from '../../domain/duplicates';
import { likelyDuplicates, type DuplicateProbe } from '../../domain/duplicates';
import { interactionAggregate, type Interaction } from '../../domain/interaction';
import type { LiveContact } from '../../domain/contact';
import { ContactLookup, mergedIdsOf, type ContactRecord } from '../contact-lookup';
import { contactView, type ContactView } from '../contact-view';
import { contactInteractionsProjection, contactInteractionsQuery } from '../read-models/contact-interactions';
import { contactListProjection } from '../read-models/contact-list';

/** A name-alike at a big company is looked for among this many of its people at most. */
const MAX_COLLEAGUES_COMPARED = 1000;

/** Reads interactions whole from their streams (the index holds no personal data). */
async function loadInteractions(
  interactions: RepositoryOf<typeof interactionAggregate>,
  ids: readonly string[],
): Promise<InteractionLoggedData[]> {
  const states = await Promise.all(ids.map(async (id) => (await interactions.load(id)).state));
  return states.flatMap((state: Interaction) => (state.status === 'logged' ? [state.interaction] : []));
}

/** The contact's interactions (and those of the contacts merged into it), newest first, filtered as documented. */
export class ContactInteractions extends Query<ListPage<InteractionLoggedData>> {
  constructor(
    readonly contactId: string,
    readonly parameters: Record<string, unknown>,
  ) {
    super();
  }
}

@QueryHandler(ContactInteractions)
export class ContactInteractionsHandler implements IQueryHandler<ContactInteractions> {
  constructor(
    private readonly lookup: ContactLookup,
    private readonly readModels: ReadModels,
    @InjectRepository(interactionAggregate) private readonly interactions: RepositoryOf<typeof interactionAggregate>,
  ) {}

  async execute({ contactId, parameters }: ContactInteractions): Promise<ListPage<InteractionLoggedData>> {
    const query = contactInteractionsQuery.parse(parameters);
    const { state: contact } = await this.lookup.live(contactId);
    const filter = { $and: [query.filter, { contactId: { $in: mergedIdsOf(contact) } }] };
    const entries = await findPage(this.readModels.of(contactInteractionsProjection), { ...query, filter });
    return {
      ...entries,
      items: await loadInteractions(
        this.interactions,
        entries.items.map((entry) => entry.interactionId),
      ),
    };
  }
}

/** Likely duplicates: the same e-mail or phone anywhere, or a similar name at the same company; scored, with reasons. */
export class ContactDuplicates extends Query<LikelyDuplicate[]> {
  constructor(readonly contactId: string) {
    super();
  }
}

@QueryHandler(ContactDuplicates)
export class ContactDuplicatesHandler implements IQueryHandler<ContactDuplicates> {
  constructor(
    private readonly lookup: ContactLookup,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ contactId }: ContactDuplicates): Promise<LikelyDuplicate[]> {
    const { state: contact } = await this.lookup.live(contactId);
    const subject = probeOf(contact);
    const or: object[] = [];
    if (subject.emails.length > 0) or.push({ emails: { $in: [...subject.emails] } });
    if (subject.phones.length > 0) or.push({ phones: { $in: [...subject.phones] } });
    if (subject.companyIds.length > 0) or.push({ companyIds: { $in: [...subject.companyIds] } });
    if (or.length === 0) return [];
    const candidates = await this.readModels
      .of(contactListProjection)
      .find({ $and: [{ $or: or }, { mergedInto: { $exists: false } }, { _id: { $ne: contact.contactId } }] })
      .limit(MAX_COLLEAGUES_COMPARED)
      .toArray();
    return likelyDuplicates(subject, candidates);
  }
}

function probeOf(contact: LiveContact): DuplicateProbe {
  const { name, emails, phones } = contact.profile;
  return {
    contactId: contact.contactId,
    givenName: name?.given ?? '',
    familyName: name?.family ?? '',
    emails: emails.map((email) => email.address),
    phones: phones.map((phone) => phone.number),
    companyIds: Object.keys(contact.companies),
  };
}

/** Everything held about a person (GDPR access request), as `GET /v1/contacts/{id}/personal-data` returns it. */
export interface PersonalDataExport {
  exportedAt: string;
  contact: ContactView;
  history: ContactRecord['history'];
  consentLedger: unknown[];
  companies: { companyId: string; role?: string; name?: string }[];
  interactions: InteractionLoggedData[];
  /** Contacts merged into this one: their own records up to the merge. */
  mergedContacts: ContactRecord[];
}

/** Everything held about a person: profile, every change, consents, companies, interactions, merged records. */
export class PersonalData extends Query<PersonalDataExport> {
  constructor(
    readonly contactId: string,
    readonly now: string,
  ) {
    super();
  }
}

@QueryHandler(PersonalData)
export class PersonalDataHandler implements IQueryHandler<PersonalData> {
  constructor(
    private readonly lookup: ContactLookup,
    private readonly readModels: ReadModels,
    @InjectRepository(interactionAggregate) private readonly interactions: RepositoryOf<typeof interactionAggregate>,
    @InjectRepository(companyAggregate) private readonly companies: RepositoryOf<typeof companyAggregate>,
  ) {}

  async execute({ contactId, now }: PersonalData): Promise<PersonalDataExport> {
    const { state: contact, revision } = await this.lookup.live(contactId);
    const [ownId, ...mergedIds] = mergedIdsOf(contact);
    const own = await this.lookup.recordOf(ownId);
    const mergedContacts = await Promise.all(mergedIds.map((id) => this.lookup.recordOf(id)));
    const companies = await Promise.all(
      Object.entries(contact.companies).map(async ([companyId, link]) => {
        const { state } = await this.companies.load(companyId);
        return { companyId, ...link, ...(state.status !== 'none' && { name: state.profile.name }) };
      }),
    );
    const entries = await this.readModels
      .of(contactInteractionsProjection)
      .find({ contactId: { $in: [ownId, ...mergedIds] } }, { projection: { _id: 1 } })
      .sort({ occurredAt: 1, _id: 1 })
      .toArray();
    return {
      exportedAt: now,
      contact: contactView(contact, revision),
      history: own.history,
      consentLedger: own.consentLedger,
      companies,
      interactions: await loadInteractions(
        this.interactions,
        entries.map((entry) => entry._id),
      ),
      mergedContacts,
    };
  }
}

/** One interaction, read whole (opened) from its stream. */
export class GetInteraction extends Query<InteractionLoggedData | undefined> {
  constructor(readonly interactionId: string) {
    super();
  }
}

@QueryHandler(GetInteraction)
export class GetInteractionHandler implements IQueryHandler<GetInteraction> {
  constructor(@InjectRepository(interactionAggregate) private readonly interactions: RepositoryOf<typeof interactionAggregate>) {}

  async execute({ interactionId }: GetInteraction): Promise<InteractionLoggedData | undefined> {
    const { state } = await this.interactions.load(interactionId);
    return state.status === 'logged' ? state.interaction : undefined;
  }
}
