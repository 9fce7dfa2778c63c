import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { contactAggregate } from '../../domain/contact';
import type { ProfileInput } from '../../domain/contact-values';
import { ContactProfiles } from '../contact-profiles';
import { writtenContact, type ContactView } from '../contact-view';

export class CreateContact extends Command<Written<ContactView>> {
  constructor(
    readonly contactId: string,
    readonly input: ProfileInput,
    readonly now: string,
  ) {
    super();
  }
}

@CommandHandler(CreateContact)
export class CreateContactHandler implements ICommandHandler<CreateContact> {
  constructor(
    @InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>,
    private readonly profiles: ContactProfiles,
  ) {}

  async execute({ contactId, input, now }: CreateContact): Promise<Written<ContactView>> {
    const profile = await this.profiles.normalizeNew(input, now);
    // A fresh id: appended without reading the stream first (a taken id falls back to the read, and a 409).
    const result = await this.contacts.handle(
      contactId,
      { type: 'CreateContact', data: { contactId, profile, now } },
      { expectNew: true },
    );
    return writtenContact(contactId, result);
  }
}
