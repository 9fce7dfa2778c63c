import type { ContractSet } from '../registry';
import { ContactArchived, type ContactArchivedData } from './contact-archived';
import { ContactCreated, ContactCreatedV1, contactCreatedV1ToV2, type ContactCreatedData } from './contact-created';
import { ContactErased, type ContactErasedData } from './contact-erased';
import { ContactEmailChanged, type ContactEmailChangedData } from './contact-email-changed';
import { ContactRenamed, type ContactRenamedData } from './contact-renamed';

export * from './person-name';
export * from './contact-created';
export * from './contact-renamed';
export * from './contact-email-changed';
export * from './contact-archived';
export * from './contact-erased';

/** The contacts service's events in their current versions, as its domain produces them. */
export type ContactsEvent =
  | { type: 'ContactCreated'; data: ContactCreatedData }
  | { type: 'ContactRenamed'; data: ContactRenamedData }
  | { type: 'ContactEmailChanged'; data: ContactEmailChangedData }
  | { type: 'ContactArchived'; data: ContactArchivedData }
  | { type: 'ContactErased'; data: ContactErasedData };

export const contactsContracts: ContractSet = {
  contracts: [ContactCreatedV1, ContactCreated, ContactRenamed, ContactEmailChanged, ContactArchived, ContactErased],
  upcasters: [contactCreatedV1ToV2],
};
