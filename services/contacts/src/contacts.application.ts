import { Module } from '@nestjs/common';
import { CompaniesController } from './api/companies.controller';
import { ContactsController } from './api/contacts.controller';
import { CustomFieldsController } from './api/custom-fields.controller';
import { CompanyExportController, ContactExportController } from './api/exports.controller';
import { contactImports } from './api/imports';
import { InteractionsController } from './api/interactions.controller';
import { ArchiveContactHandler, UnlinkFromCompanyHandler } from './application/commands/change-contact';
import { ArchiveCompanyHandler, CreateCompanyHandler, UpdateCompanyHandler } from './application/commands/companies';
import { CreateContactHandler } from './application/commands/create-contact';
import { DefineCustomFieldHandler } from './application/commands/define-custom-field';
import { EraseContactHandler } from './application/commands/erase-contact';
import { LinkToCompanyHandler } from './application/commands/link-to-company';
import { LogInteractionHandler } from './application/commands/log-interaction';
import { MergeContactsHandler } from './application/commands/merge-contacts';
import { RecordConsentHandler } from './application/commands/record-consent';
import { UndoMergeHandler } from './application/commands/undo-merge';
import { UpdateContactHandler } from './application/commands/update-contact';
import { ContactListFilter } from './application/contact-list-filter';
import { ContactLookup } from './application/contact-lookup';
import { ContactProfiles } from './application/contact-profiles';
import {
  CompanyPeopleHandler,
  GetCompanyHandler,
  ListCompaniesHandler,
  ListCustomFieldsHandler,
} from './application/queries/companies';
import {
  ContactDuplicatesHandler,
  ContactInteractionsHandler,
  GetInteractionHandler,
  PersonalDataHandler,
} from './application/queries/contact-records';
import {
  ConsentLedgerHandler,
  ContactHistoryHandler,
  GetContactHandler,
  ListContactsHandler,
} from './application/queries/contacts';
import { LinkConvertedLeads } from './application/reactions/link-converted-leads';
import { ExportCompaniesHandler, ExportContactsHandler } from './application/queries/exports';

/** The contacts service's API and use cases: a handler per command and query. */
@Module({
  // The export controllers come first: `/v1/contacts/export` before `/v1/contacts/:id`.
  controllers: [
    ContactExportController,
    CompanyExportController,
    contactImports.controller,
    ContactsController,
    CompaniesController,
    InteractionsController,
    CustomFieldsController,
  ],
  providers: [
    ContactLookup,
    ContactProfiles,
    ContactListFilter,
    CreateContactHandler,
    UpdateContactHandler,
    ArchiveContactHandler,
    EraseContactHandler,
    RecordConsentHandler,
    LinkToCompanyHandler,
    UnlinkFromCompanyHandler,
    MergeContactsHandler,
    UndoMergeHandler,
    LogInteractionHandler,
    CreateCompanyHandler,
    UpdateCompanyHandler,
    ArchiveCompanyHandler,
    DefineCustomFieldHandler,
    GetContactHandler,
    ListContactsHandler,
    ContactHistoryHandler,
    ConsentLedgerHandler,
    ContactInteractionsHandler,
    ContactDuplicatesHandler,
    PersonalDataHandler,
    GetInteractionHandler,
    GetCompanyHandler,
    ListCompaniesHandler,
    CompanyPeopleHandler,
    ListCustomFieldsHandler,
    ExportContactsHandler,
    ExportCompaniesHandler,
    ...contactImports.providers,
    LinkConvertedLeads,
  ],
})
export class ContactsApplication {}
