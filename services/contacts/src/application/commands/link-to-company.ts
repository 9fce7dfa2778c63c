import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { companyAggregate, CompanyNotFound } from '../../domain/company';
import { contactAggregate, type ContactCommand } from '../../domain/contact';
import { writtenContact, type ContactView } from '../contact-view';

/** Links the contact to an existing company, with a role (a link again with another role changes the role). */
export class LinkToCompany extends Command<Written<ContactView>> {
  constructor(
    readonly contactId: string,
    readonly companyId: string,
    readonly role: string | undefined,
    readonly now: string,
  ) {
    super();
  }
}

@CommandHandler(LinkToCompany)
export class LinkToCompanyHandler implements ICommandHandler<LinkToCompany> {
  constructor(
    @InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>,
    @InjectRepository(companyAggregate) private readonly companies: RepositoryOf<typeof companyAggregate>,
  ) {}

  async execute({ contactId, companyId, role, now }: LinkToCompany): Promise<Written<ContactView>> {
    const { state } = await this.companies.load(companyId);
    if (state.status === 'none') throw new CompanyNotFound(companyId);
    const result = await this.contacts.handle(contactId, linkToCompanyCommand(contactId, companyId, role, now));
    return writtenContact(contactId, result);
  }
}

/** The domain command of a link (an import's plan decides it too). */
export const linkToCompanyCommand = (
  contactId: string,
  companyId: string,
  role: string | undefined,
  now: string,
): ContactCommand => ({ type: 'LinkToCompany', data: { contactId, companyId, ...(role ? { role } : {}), now } });
