import type { EventOf } from '../contract';
import type { ContractSet } from '../registry';
import { CompanyArchived, CompanyCreated, CompanyUpdated } from './company';
import { ContactArchived } from './contact-archived';
import { ContactLinkedToCompany, ContactUnlinkedFromCompany } from './contact-company-link';
import { ContactConsentChanged } from './contact-consent-changed';
import {
  ContactCreated,
  ContactCreatedV1,
  ContactCreatedV2,
  ContactCreatedV3,
  contactCreatedV1ToV2,
  contactCreatedV2ToV3,
  contactCreatedV3ToV4,
} from './contact-created';
import { ContactErased } from './contact-erased';
import { ContactEmailChanged } from './contact-email-changed';
import { ContactExternalIdRecorded } from './contact-external-id';
import { ContactLinkedToLead, LeadLinkRefused } from './contact-lead-link';
import {
  ContactMergedInto,
  ContactMergeUndone,
  ContactMergeUndoneV1,
  contactMergeUndoneV1ToV2,
  ContactsMerged,
  contactsMergedV1ToV2,
  contactsMergedV2ToV3,
  ContactsMergedV1,
  ContactsMergedV2,
  ContactUnmerged,
} from './contact-merge';
import { ContactRenamed } from './contact-renamed';
import { ContactUpdated, ContactUpdatedV1, contactUpdatedV1ToV2 } from './contact-updated';
import { CustomFieldDefined } from './custom-field-defined';
import { InteractionLogged } from './interaction-logged';

export * from './person-name';
export * from './contact-profile';
export * from './display-name';
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
export * from './contact-external-id';
export * from './contact-lead-link';

/** The contracts of a contact's stream, in their current versions. */
export const contactStreamContracts = [
  ContactCreated,
  ContactUpdated,
  // Older contacts only: superseded by ContactUpdated.
  ContactRenamed,
  // Older contacts only: superseded by ContactUpdated.
  ContactEmailChanged,
  ContactArchived,
  ContactErased,
  ContactConsentChanged,
  ContactLinkedToCompany,
  ContactUnlinkedFromCompany,
  ContactsMerged,
  ContactMergeUndone,
  ContactMergedInto,
  ContactUnmerged,
  ContactLinkedToLead,
] as const;

/** The events of a contact's stream, in their current versions. */
export type ContactStreamEvent = EventOf<(typeof contactStreamContracts)[number]>;

export type CompanyEvent = EventOf<typeof CompanyCreated | typeof CompanyUpdated | typeof CompanyArchived>;
export type InteractionEvent = EventOf<typeof InteractionLogged>;
export type CustomFieldEvent = EventOf<typeof CustomFieldDefined>;
export type ContactExternalIdEvent = EventOf<typeof ContactExternalIdRecorded>;
/** A lead link's stream (`lead-link-<leadId>`): one refusal per lead and attempt (ADR 0020). */
export type LeadLinkEvent = EventOf<typeof LeadLinkRefused>;

/** The contacts service's events in their current versions, as its domain produces them (the `crm.contacts` topic). */
export type ContactsEvent = ContactStreamEvent | CompanyEvent | InteractionEvent | CustomFieldEvent | LeadLinkEvent;

export const contactsContracts: ContractSet = {
  // Older versions after the current ones: the registry orders events by first appearance and versions by number.
  contracts: [
    ...contactStreamContracts,
    ContactCreatedV1,
    ContactCreatedV2,
    ContactCreatedV3,
    ContactUpdatedV1,
    ContactsMergedV1,
    ContactsMergedV2,
    ContactMergeUndoneV1,
    CompanyCreated,
    CompanyUpdated,
    CompanyArchived,
    InteractionLogged,
    CustomFieldDefined,
    ContactExternalIdRecorded,
    LeadLinkRefused,
  ],
  upcasters: [
    contactCreatedV1ToV2,
    contactCreatedV2ToV3,
    contactCreatedV3ToV4,
    contactUpdatedV1ToV2,
    contactsMergedV1ToV2,
    contactsMergedV2ToV3,
    contactMergeUndoneV1ToV2,
  ],
};
