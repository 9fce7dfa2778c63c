import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { findPage, type ListPage } from '@crm/read-api';
import { ReadModels, type Written } from '@crm/service-kit';
import { ContactListFilter } from '../contact-list-filter';
import { ContactLookup, type ContactRecord } from '../contact-lookup';
import { writtenContact, type ContactView } from '../contact-view';
import { contactListProjection, type ContactListItem } from '../read-models/contact-list';

/** The contact now, or as it was at `asOf`; a merged contact's id answers with its survivor (`contactId` says which). */
export class GetContact extends Query<Written<ContactView> & { contactId: string }> {
  constructor(
    readonly contactId: string,
    readonly asOf?: Date,
  ) {
    super();
  }
}

@QueryHandler(GetContact)
export class GetContactHandler implements IQueryHandler<GetContact> {
  constructor(private readonly lookup: ContactLookup) {}

  async execute({ contactId, asOf }: GetContact): Promise<Written<ContactView> & { contactId: string }> {
    const resolved = await this.lookup.resolve(contactId, asOf);
    return { ...writtenContact(resolved.contactId, resolved), contactId: resolved.contactId };
  }
}

export type ListedContact = Omit<ContactListItem, 'search'>;

/**
 * The list (read model, eventually consistent): filters, sort, cursor pages, and `q`, which finds people by their
 * company's name or domain too; merged contacts only with `includeMerged=true`. `position` waits for a write.
 */
export class ListContacts extends Query<ListPage<ListedContact>> {
  constructor(readonly parameters: Record<string, unknown>) {
    super();
  }
}

@QueryHandler(ListContacts)
export class ListContactsHandler implements IQueryHandler<ListContacts> {
  constructor(
    private readonly readModels: ReadModels,
    private readonly filter: ContactListFilter,
  ) {}

  async execute({ parameters }: ListContacts): Promise<ListPage<ListedContact>> {
    return findPage(this.readModels.of(contactListProjection), await this.filter.parse(parameters), {
      projection: { _meta: 0, search: 0 },
      map: ({ _id, ...item }) => item,
    });
  }
}

/** Every change of a contact: who, when, which fields, old and new values. */
export class ContactHistory extends Query<ContactRecord['history']> {
  constructor(readonly contactId: string) {
    super();
  }
}

@QueryHandler(ContactHistory)
export class ContactHistoryHandler implements IQueryHandler<ContactHistory> {
  constructor(private readonly lookup: ContactLookup) {}

  async execute({ contactId }: ContactHistory): Promise<ContactRecord['history']> {
    return (await this.lookup.recordOf(contactId)).history;
  }
}

/** The consent ledger: every statement, oldest first (the contact shows the current state). */
export class ConsentLedger extends Query<unknown[]> {
  constructor(readonly contactId: string) {
    super();
  }
}

@QueryHandler(ConsentLedger)
export class ConsentLedgerHandler implements IQueryHandler<ConsentLedger> {
  constructor(private readonly lookup: ContactLookup) {}

  async execute({ contactId }: ConsentLedger): Promise<unknown[]> {
    return (await this.lookup.recordOf(contactId)).consentLedger;
  }
}
