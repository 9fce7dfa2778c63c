import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ContactProfile } from '@crm/contracts';
import { newId } from '@crm/eventsourcing';
import { InjectRepository, type RepositoryOf, type Written } from '@crm/service-kit';
import { contactAggregate, ContactErasedError, ContactNotFound, type LiveContact } from '../../domain/contact';
import { writtenContact, type ContactView } from '../contact-view';

export type MergedContactView = ContactView & { mergeId: string };

/** Merges the duplicates into the survivor; `choices` names, per field, whose value wins (docs/contacts.md). */
export class MergeContacts extends Command<Written<MergedContactView>> {
  constructor(
    readonly survivorId: string,
    readonly duplicateIds: readonly string[],
    readonly choices: Partial<Record<keyof ContactProfile, string>>,
    readonly now: string,
    readonly expectedRevision?: number,
  ) {
    super();
  }
}

/**
 * ContactsMerged on the survivor first (the source of truth for the merge), then ContactMergedInto on each
 * duplicate. Each step is idempotent per merge id, so a merge cut short by a crash completes when the same
 * request is sent again.
 */
@CommandHandler(MergeContacts)
export class MergeContactsHandler implements ICommandHandler<MergeContacts> {
  constructor(@InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>) {}

  async execute({
    survivorId,
    duplicateIds,
    choices,
    now,
    expectedRevision,
  }: MergeContacts): Promise<Written<MergedContactView>> {
    const wanted = [...new Set(duplicateIds)].sort().join();
    let mergeId = '';
    let duplicates: LiveContact[] = [];
    const result = await this.contacts.handle(
      survivorId,
      async (survivor) => {
        // A merge of these very contacts that is recorded but was cut short is completed, not made twice.
        const pending =
          'merges' in survivor
            ? survivor.merges.find((m) => !m.undone && [...m.mergedContactIds].sort().join() === wanted)
            : undefined;
        mergeId = pending?.mergeId ?? newId();
        duplicates = [];
        for (const id of new Set(duplicateIds)) {
          const { state } = await this.contacts.load(id);
          if (state.status === 'none') throw new ContactNotFound(id);
          if (state.status === 'erased') throw new ContactErasedError(id);
          // Pending: already marked by this merge, its state before the merge is what the survivor recorded.
          if (state.mergedInto?.mergeId !== mergeId || !pending) duplicates.push(state);
        }
        return { type: 'MergeContacts', data: { contactId: survivorId, mergeId, duplicates, choices, now } };
      },
      { expectedRevision },
    );
    for (const duplicate of duplicates) {
      await this.contacts.handle(duplicate.contactId, {
        type: 'MarkMergedInto',
        data: { contactId: duplicate.contactId, survivorId, mergeId, now },
      });
    }
    const written = writtenContact(survivorId, result);
    return { ...written, view: { ...written.view, mergeId } };
  }
}
