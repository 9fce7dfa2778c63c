import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository, type EventStore, type HandleOptions, type HandleResult } from '@crm/eventsourcing';
import { EVENT_STORE } from '@crm/eventsourcing/nest/event-store.module';
import { crmContracts } from '@crm/contracts';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest/privacy.module';
import { contactDecider, contactStream, type Contact, type ContactCommand, type ContactEvent } from '../domain/contact';

/** Carries a domain command over the CQRS bus, with who asked and the revision they saw. */
export class ExecuteContactCommand {
  constructor(
    readonly command: ContactCommand,
    readonly options: HandleOptions = {},
  ) {}
}

export type ContactCommandResult = HandleResult<Contact, ContactEvent>;

export const CONTACTS = Symbol('CONTACTS');

export const contactsRepositoryProvider = {
  provide: CONTACTS,
  inject: [EVENT_STORE, PERSONAL_DATA_VAULT],
  useFactory: (store: EventStore, vault: PersonalDataVault) =>
    new AggregateRepository(store, contactDecider, contactStream, {
      // Validated against the contract and stamped with its version, then personal data sealed, before they are stored.
      toNewEvents: (events) => vault.seal(events.map((event) => crmContracts.prepareForAppend(event))),
      toDomainEvents: (stored) => vault.toDomainEvents<ContactEvent>(stored),
    }),
};

@CommandHandler(ExecuteContactCommand)
export class ExecuteContactCommandHandler implements ICommandHandler<ExecuteContactCommand, ContactCommandResult> {
  constructor(@Inject(CONTACTS) private readonly contacts: AggregateRepository<Contact, ContactCommand, ContactEvent>) {}

  execute({ command, options }: ExecuteContactCommand): Promise<ContactCommandResult> {
    return this.contacts.handle(command.data.contactId, command, options);
  }
}
