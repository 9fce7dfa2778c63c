import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WrongExpectedRevisionError } from '@crm/eventsourcing';
import type { IdempotencyStore } from '@crm/idempotency';
import { IDEMPOTENCY_STORE } from '@crm/idempotency/nest';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest';
import { InjectRepository, type RepositoryOf } from '@crm/service-kit';
import { contactAggregate, ContactMergedError, ContactNotFound } from '../../domain/contact';
import { ContactLookup } from '../contact-lookup';

/** Erases a person's personal data (GDPR) by crypto-shredding; repeating it is harmless. */
export class EraseContact extends Command<void> {
  constructor(
    readonly contactId: string,
    readonly now: string,
  ) {
    super();
  }
}

/**
 * The keys of the contact, of every contact merged into it, of every merge any of them took part in (a merge's values
 * are sealed with its own key) and of every lead linked to any of them (ADR 0020) are deleted first, so nothing of
 * theirs can be read from then on (stored Idempotency-Key responses included, which are then forgotten); then
 * ContactErased is recorded on each. Repeating it after a crash finishes it.
 */
@CommandHandler(EraseContact)
export class EraseContactHandler implements ICommandHandler<EraseContact> {
  constructor(
    @InjectRepository(contactAggregate) private readonly contacts: RepositoryOf<typeof contactAggregate>,
    private readonly lookup: ContactLookup,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
    @Inject(IDEMPOTENCY_STORE) private readonly idempotency: IdempotencyStore,
  ) {}

  async execute({ contactId, now }: EraseContact): Promise<void> {
    const { state } = await this.contacts.load(contactId);
    if (state.status === 'none') throw new ContactNotFound(contactId);
    // A merged contact is part of its survivor now: erasing only this id would leave its values in the survivor.
    // The person is erased through the survivor (or the merge is undone first).
    if (state.status !== 'erased' && state.mergedInto) throw new ContactMergedError(contactId, state.mergedInto.survivorId);
    const merged = state.status === 'erased' ? [] : state.merges.filter((m) => !m.undone).flatMap((m) => m.mergedContactIds);
    for (const id of [contactId, ...merged]) await this.erase(id, now);
  }

  /**
   * ContactErased is appended at the revision the subjects were read at: a lead linked meanwhile (whose key would
   * survive) makes them read and erased again. Once it is appended, no lead can be linked any more.
   */
  private async erase(contactId: string, now: string): Promise<void> {
    for (;;) {
      const { subjects, revision } = await this.lookup.subjectsOf(contactId);
      for (const subject of subjects) {
        await this.vault.erase(subject);
        await this.idempotency.forgetSubject(subject);
      }
      try {
        await this.contacts.handle(contactId, { type: 'EraseContact', data: { contactId, now } }, { expectedRevision: revision });
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
  }
}
