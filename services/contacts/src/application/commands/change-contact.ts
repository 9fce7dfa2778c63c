import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { contactAggregate } from '../../domain/contact';
import { writtenContact, type ContactView } from '../contact-view';

/** Archives a contact (hidden from lists, its history kept); conditional on `expectedRevision`. */
export class ArchiveContact extends Command<Written<ContactView>> {
  constructor(
    readonly contactId: string,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/** Removes the contact's link to a company. */
export class UnlinkFromCompany extends Command<Written<ContactView>> {
  constructor(
    readonly contactId: string,
    readonly companyId: string,
    readonly now: string,
  ) {
    super();
  }
}

/** The contact use cases that are one command of its decider, nothing read besides. */
@CommandHandler(ArchiveContact)
export class ArchiveContactHandler implements ICommandHandler<ArchiveContact> {
  constructor(@InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>) {}

  async execute({ contactId, now, expectedRevision }: ArchiveContact): Promise<Written<ContactView>> {
    const command = { type: 'ArchiveContact' as const, data: { contactId, now } };
    return writtenContact(contactId, await this.contacts.handle(contactId, command, { expectedRevision }));
  }
}

@CommandHandler(UnlinkFromCompany)
export class UnlinkFromCompanyHandler implements ICommandHandler<UnlinkFromCompany> {
  constructor(@InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>) {}

  async execute({ contactId, companyId, now }: UnlinkFromCompany): Promise<Written<ContactView>> {
    const command = { type: 'UnlinkFromCompany' as const, data: { contactId, companyId, now } };
    return writtenContact(contactId, await this.contacts.handle(contactId, command));
  }
}
