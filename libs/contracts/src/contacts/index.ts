import type { ContractSet } from '../registry';
import {
  CompanyArchived,
  CompanyCreated,
  CompanyUpdated,
  type CompanyArchivedData,
  type CompanyCreatedData,
  type CompanyUpdatedData,
} from './company';
import { ContactArchived, type ContactArchivedData } from './contact-archived';
import {
  ContactLinkedToCompany,
  ContactUnlinkedFromCompany,
  type ContactLinkedToCompanyData,
  type ContactUnlinkedFromCompanyData,
} from './contact-company-link';
import { ContactConsentChanged, type ContactConsentChangedData } from './contact-consent-changed';
import {
  ContactCreated,
  ContactCreatedV1,
  ContactCreatedV2,
  contactCreatedV1ToV2,
  contactCreatedV2ToV3,
  type ContactCreatedData,
} from './contact-created';
import { ContactErased, type ContactErasedData } from './contact-erased';
import { ContactEmailChanged, type ContactEmailChangedData } from './contact-email-changed';
import {
  ContactMergedInto,
  ContactMergeUndone,
  ContactsMerged,
  contactsMergedV1ToV2,
  ContactsMergedV1,
  ContactUnmerged,
  type ContactMergedIntoData,
  type ContactMergeUndoneData,
  type ContactsMergedData,
} from './contact-merge';
import { ContactRenamed, type ContactRenamedData } from './contact-renamed';
import { ContactUpdated, type ContactUpdatedData } from './contact-updated';
import { CustomFieldDefined, type CustomFieldDefinedData } from './custom-field-defined';
import { InteractionLogged, type InteractionLoggedData } from './interaction-logged';

export * from './person-name';
export * from './contact-profile';
export * from './contact-created';
export * from './contact-updated';
export * from './contact-renamed';
export * from './contact-email-changed';
export * from './contact-archived';
export * from './contact-erased';
export * from './contact-consent-changed';
export * from './contact-company-link';
export * from './contact-merge';
export * from './company';
export * from './interaction-logged';
export * from './custom-field-defined';

/** The events of a contact's stream, in their current versions. */
export type ContactStreamEvent =
  | { type: 'ContactCreated'; data: ContactCreatedData }
  | { type: 'ContactUpdated'; data: ContactUpdatedData }
  /** Older contacts only: superseded by ContactUpdated. */
  | { type: 'ContactRenamed'; data: ContactRenamedData }
  /** Older contacts only: superseded by ContactUpdated. */
  | { type: 'ContactEmailChanged'; data: ContactEmailChangedData }
  | { type: 'ContactArchived'; data: ContactArchivedData }
  | { type: 'ContactErased'; data: ContactErasedData }
  | { type: 'ContactConsentChanged'; data: ContactConsentChangedData }
  | { type: 'ContactLinkedToCompany'; data: ContactLinkedToCompanyData }
  | { type: 'ContactUnlinkedFromCompany'; data: ContactUnlinkedFromCompanyData }
  | { type: 'ContactsMerged'; data: ContactsMergedData }
  | { type: 'ContactMergeUndone'; data: ContactMergeUndoneData }
  | { type: 'ContactMergedInto'; data: ContactMergedIntoData }
  | { type: 'ContactUnmerged'; data: ContactMergedIntoData };

export type CompanyEvent =
  | { type: 'CompanyCreated'; data: CompanyCreatedData }
  | { type: 'CompanyUpdated'; data: CompanyUpdatedData }
  | { type: 'CompanyArchived'; data: CompanyArchivedData };

export type InteractionEvent = { type: 'InteractionLogged'; data: InteractionLoggedData };
export type CustomFieldEvent = { type: 'CustomFieldDefined'; data: CustomFieldDefinedData };

/** The contacts service's events in their current versions, as its domain produces them (the `crm.contacts` topic). */
export type ContactsEvent = ContactStreamEvent | CompanyEvent | InteractionEvent | CustomFieldEvent;

export const contactsContracts: ContractSet = {
  contracts: [
    ContactCreatedV1,
    ContactCreatedV2,
    ContactCreated,
    ContactUpdated,
    ContactRenamed,
    ContactEmailChanged,
    ContactArchived,
    ContactErased,
    ContactConsentChanged,
    ContactLinkedToCompany,
    ContactUnlinkedFromCompany,
    ContactsMergedV1,
    ContactsMerged,
    ContactMergeUndone,
    ContactMergedInto,
    ContactUnmerged,
    CompanyCreated,
    CompanyUpdated,
    CompanyArchived,
    InteractionLogged,
    CustomFieldDefined,
  ],
  upcasters: [contactCreatedV1ToV2, contactCreatedV2ToV3, contactsMergedV1ToV2],
};
