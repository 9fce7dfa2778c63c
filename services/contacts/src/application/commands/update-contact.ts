import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import type { ContactProfile, OptionalProfileField } from '@crm/contracts';
import { contactAggregate, type ContactCommand } from '../../domain/contact';
import type { ProfileInput } from '../../domain/contact-values';
import { ContactProfiles } from '../contact-profiles';
import { writtenContact, type ContactView } from '../contact-view';

/** Changes the fields given (lists replaced as a whole) and clears optional ones; conditional on `expectedRevision`. */
export class UpdateContact extends Command<Written<ContactView>> {
  constructor(
    readonly contactId: string,
    readonly input: ProfileInput,
    readonly cleared: OptionalProfileField[],
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

@CommandHandler(UpdateContact)
export class UpdateContactHandler implements ICommandHandler<UpdateContact> {
  constructor(
    @InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>,
    private readonly profiles: ContactProfiles,
  ) {}

  async execute({ contactId, input, cleared, now, expectedRevision }: UpdateContact): Promise<Written<ContactView>> {
    // National phone numbers are read in the contact's country: the command is built from the loaded state.
    const result = await this.contacts.handle(
      contactId,
      async (state) => {
        const country = state.status === 'active' || state.status === 'archived' ? state.profile.country : undefined;
        const changes = await this.profiles.normalize(input, now, country);
        return updateContactCommand(contactId, changes, cleared, now);
      },
      { expectedRevision },
    );
    return writtenContact(contactId, result);
  }
}

/** The domain command of an update whose changes are normalized (an import's plan decides it too). */
export const updateContactCommand = (
  contactId: string,
  changes: Partial<ContactProfile>,
  cleared: OptionalProfileField[],
  now: string,
): ContactCommand => ({ type: 'UpdateContact', data: { contactId, changes, cleared, now } });
