import { Module, type DynamicModule } from '@nestjs/common';
import { crmContracts } from '@crm/contracts';
import { EventStoreModule } from '@crm/eventsourcing/nest/event-store.module';
import { topicOfService } from '@crm/messaging';
import { MessagingModule } from '@crm/messaging/nest/messaging.module';
import { ReadModelsModule } from '@crm/projections/nest/read-models.module';
import { PrivacyModule } from '@crm/privacy/nest/privacy.module';
import { CompaniesController } from './api/companies.controller';
import { ContactsController } from './api/contacts.controller';
import { CustomFieldsController } from './api/custom-fields.controller';
import { InteractionsController } from './api/interactions.controller';
import { registerContactProblems } from './api/problems';
import { ContactWorkflows } from './application/contact-workflows';
import { repositoryProviders } from './application/repositories';
import type { ContactsConfig } from './config';
import { contactListProjection } from './infrastructure/contact-list.projection';

@Module({})
export class ContactsModule {
  static forRoot(config: ContactsConfig): DynamicModule {
    registerContactProblems();
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
        ReadModelsModule.forRoot({
          uri: config.MONGODB_URI,
          dbName: config.CONTACTS_READ_DB,
          projections: [contactListProjection(topic)],
        }),
      ],
      controllers: [ContactsController, CompaniesController, InteractionsController, CustomFieldsController],
      providers: [...repositoryProviders, ContactWorkflows],
    };
  }
}
