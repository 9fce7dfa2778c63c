import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { contactAggregate, type LiveContact } from '../../domain/contact';
import { writtenContact, type ContactView } from '../contact-view';

export class UndoMerge extends Command<Written<ContactView>> {
  constructor(
    readonly survivorId: string,
    readonly mergeId: string,
    readonly now: string,
  ) {
    super();
  }
}

/** Undoes a merge on the survivor, then gives each merged contact back its own life. Idempotent like the merge. */
@CommandHandler(UndoMerge)
export class UndoMergeHandler implements ICommandHandler<UndoMerge> {
  constructor(@InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>) {}

  async execute({ survivorId, mergeId, now }: UndoMerge): Promise<Written<ContactView>> {
    const result = await this.contacts.handle(survivorId, { type: 'UndoMerge', data: { contactId: survivorId, mergeId, now } });
    const merge = (result.state as LiveContact).merges.find((record) => record.mergeId === mergeId);
    for (const contactId of merge?.mergedContactIds ?? []) {
      await this.contacts.handle(contactId, { type: 'Unmerge', data: { contactId, survivorId, mergeId, now } });
    }
    return writtenContact(survivorId, result);
  }
}
