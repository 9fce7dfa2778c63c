import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ContactConsentChangedData } from '@crm/contracts';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { contactAggregate, type ContactCommand } from '../../domain/contact';
import { ContactLookup } from '../contact-lookup';
import { writtenContact, type ContactView } from '../contact-view';

export type ConsentStatement = Omit<ContactConsentChangedData, 'contactId' | 'at'> & { at?: string };

/**
 * Records what the person said about a channel and purpose, on the live contact the id stands for (a merged
 * contact's survivor); `at` (when they said it) defaults to `now`. The same statement twice is recorded once.
 */
export class RecordConsent extends Command<Written<ContactView>> {
  constructor(
    readonly contactId: string,
    readonly statement: ConsentStatement,
    readonly now: string,
  ) {
    super();
  }
}

@CommandHandler(RecordConsent)
export class RecordConsentHandler implements ICommandHandler<RecordConsent> {
  constructor(
    @InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>,
    private readonly lookup: ContactLookup,
  ) {}

  async execute({ contactId, statement, now }: RecordConsent): Promise<Written<ContactView>> {
    const { contactId: liveId } = (await this.lookup.live(contactId)).state;
    const result = await this.contacts.handle(liveId, recordConsentCommand(liveId, statement, now));
    return writtenContact(liveId, result);
  }
}

/** The domain command of a statement on a live contact; `at` defaults to `now` (an import's plan decides it too). */
export const recordConsentCommand = (contactId: string, statement: ConsentStatement, now: string): ContactCommand => ({
  type: 'RecordConsent',
  data: { ...statement, contactId, at: new Date(statement.at ?? now).toISOString(), now },
});
