import { AggregateRepository, type Decider, type DomainEvent, type EventStore } from '@crm/eventsourcing';
import { EVENT_STORE } from '@crm/eventsourcing/nest/event-store.module';
import { crmContracts } from '@crm/contracts';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest/privacy.module';
import { companyDecider, companyStream, type Company, type CompanyCommand } from '../domain/company';
import { contactDecider, contactStream, type Contact, type ContactCommand, type ContactEvent } from '../domain/contact';
import { customFieldDecider, customFieldStream, type CustomFieldCatalog, type CustomFieldCommand } from '../domain/custom-fields';
import { interactionDecider, interactionStream, type Interaction, type InteractionCommand } from '../domain/interaction';
import type { CompanyEvent, CustomFieldEvent, InteractionEvent } from '@crm/contracts';

export type Contacts = AggregateRepository<Contact, ContactCommand, ContactEvent>;
export type Companies = AggregateRepository<Company, CompanyCommand, CompanyEvent>;
export type Interactions = AggregateRepository<Interaction, InteractionCommand, InteractionEvent>;
export type CustomFields = AggregateRepository<CustomFieldCatalog, CustomFieldCommand, CustomFieldEvent>;

export const CONTACTS = Symbol('CONTACTS');
export const COMPANIES = Symbol('COMPANIES');
export const INTERACTIONS = Symbol('INTERACTIONS');
export const CUSTOM_FIELDS = Symbol('CUSTOM_FIELDS');

/** Every aggregate of the service is stored the same way: validated, versioned and sealed on the way in, opened on the way out. */
function sealedRepository<State, Command, Event extends DomainEvent>(
  provide: symbol,
  decider: Decider<State, Command, Event>,
  streamOf: (id: string) => string,
) {
  return {
    provide,
    inject: [EVENT_STORE, PERSONAL_DATA_VAULT],
    useFactory: (store: EventStore, vault: PersonalDataVault) =>
      new AggregateRepository(store, decider, streamOf, {
        toNewEvents: (events) => vault.seal(events.map((event) => crmContracts.prepareForAppend(event))),
        toDomainEvents: (stored) => vault.toDomainEvents<Event>(stored),
      }),
  };
}

export const repositoryProviders = [
  sealedRepository(CONTACTS, contactDecider, contactStream),
  sealedRepository(COMPANIES, companyDecider, companyStream),
  sealedRepository(INTERACTIONS, interactionDecider, interactionStream),
  sealedRepository(CUSTOM_FIELDS, customFieldDecider, customFieldStream),
];
