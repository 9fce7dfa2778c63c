import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository, type EventStore, type HandleOptions, type HandleResult } from '@crm/eventsourcing';
import { EVENT_STORE } from '@crm/eventsourcing/nest/event-store.module';
import { crmContracts } from '@crm/contracts';
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
  inject: [EVENT_STORE],
  useFactory: (store: EventStore) =>
    new AggregateRepository(store, contactDecider, contactStream, {
      // Events are validated against their contract and stamped with its version before they are stored.
      toNewEvent: (event) => crmContracts.prepareForAppend(event),
      toDomainEvent: (stored) => crmContracts.toDomainEvent<ContactEvent>(stored),
    }),
};

@CommandHandler(ExecuteContactCommand)
export class ExecuteContactCommandHandler implements ICommandHandler<ExecuteContactCommand, ContactCommandResult> {
  constructor(@Inject(CONTACTS) private readonly contacts: AggregateRepository<Contact, ContactCommand, ContactEvent>) {}

  execute({ command, options }: ExecuteContactCommand): Promise<ContactCommandResult> {
    return this.contacts.handle(command.data.contactId, command, options);
  }
}
