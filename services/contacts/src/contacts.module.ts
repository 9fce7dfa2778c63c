import { Module, type DynamicModule } from '@nestjs/common';
import { crmContracts } from '@crm/contracts';
import { EventStoreModule } from '@crm/eventsourcing/nest/event-store.module';
import { topicOfService } from '@crm/messaging';
import { MessagingModule } from '@crm/messaging/nest/messaging.module';
import { ReadModelsModule } from '@crm/projections/nest/read-models.module';
import { IdempotencyModule } from '@crm/idempotency/nest';
import { vaultResponseProtection, type PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT, PrivacyModule } from '@crm/privacy/nest/privacy.module';
import { CompaniesController } from './api/companies.controller';
import { ContactsController } from './api/contacts.controller';
import { CustomFieldsController } from './api/custom-fields.controller';
import { InteractionsController } from './api/interactions.controller';
import { registerContactProblems } from './api/problems';
import { ContactRecords } from './application/contact-records';
import { ContactWorkflows } from './application/contact-workflows';
import { repositoryProviders } from './application/repositories';
import type { ContactsConfig } from './config';
import { contactsProjections } from './infrastructure/projections';
import { contactImports } from './imports/contact-imports';

/**
 * Whose key seals a kept response: a merge's answer shows several people, so its merge's key (erased with any
 * of them); other responses about a contact (a contact, an interaction, a consent) name it; company responses
 * hold no personal data.
 */
const subjectOfResponse = (body: unknown): string | undefined => {
  const { mergeId, contactId } = (body ?? {}) as { mergeId?: unknown; contactId?: unknown };
  if (typeof mergeId === 'string') return mergeId;
  return typeof contactId === 'string' ? contactId : undefined;
};

@Module({})
export class ContactsModule {
  static forRoot(config: ContactsConfig): DynamicModule {
    registerContactProblems();
    const imports = contactImports(config);
    const topic = topicOfService('contacts', config.KAFKA_TOPIC_PREFIX);
    return {
      module: ContactsModule,
      imports: [
        EventStoreModule.forRoot({
          kind: config.EVENT_STORE,
          databaseUrl: config.DATABASE_URL,
          esdbUrl: config.ESDB_URL,
          schema: config.CONTACTS_DB_SCHEMA,
        }),
        MessagingModule.forRoot({
          service: 'contacts',
          topic,
          brokers: [...config.KAFKA_BROKERS],
          databaseUrl: config.DATABASE_URL,
          schema: config.CONTACTS_DB_SCHEMA,
          subjectOf: (event) => crmContracts.subjectOf(event.type, event.data),
        }),
        PrivacyModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          schema: config.CONTACTS_DB_SCHEMA,
          masterKey: config.PII_MASTER_KEY,
        }),
        IdempotencyModule.forRoot({
          databaseUrl: config.DATABASE_URL,
          schema: config.CONTACTS_DB_SCHEMA,
          // A kept response shows the contact it is about: sealed with their key, gone with their erasure.
          protect: {
            inject: [PERSONAL_DATA_VAULT],
            useFactory: (vault: PersonalDataVault) => vaultResponseProtection(vault, subjectOfResponse),
          },
        }),
        ReadModelsModule.forRoot({
          uri: config.MONGODB_URI,
          dbName: config.CONTACTS_READ_DB,
          projections: contactsProjections(topic),
        }),
      ],
      controllers: [
        ...imports.controllers,
        ContactsController,
        CompaniesController,
        InteractionsController,
        CustomFieldsController,
      ],
      providers: [...repositoryProviders, ContactWorkflows, ContactRecords, ...imports.providers],
    };
  }
}
