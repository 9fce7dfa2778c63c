import { Module, type DynamicModule } from '@nestjs/common';
import { ReadModelsModule } from '@crm/projections/nest/read-models.module';
import { CustomersController } from './api/customers.controller';
import { registerAnalyticsProblems } from './api/problems';
import { CustomerQueries } from './application/customer-queries';
import { subjectKeysDatabaseUrl, type AnalyticsConfig } from './config';
import { AnalyticsInfrastructureModule } from './infrastructure/analytics-infrastructure.module';
import { analyticsProjections } from './infrastructure/projections';
import { sourceTopics } from './sources';

@Module({})
export class AnalyticsModule {
  static forRoot(config: AnalyticsConfig): DynamicModule {
    registerAnalyticsProblems();
    const topics = sourceTopics(config.KAFKA_TOPIC_PREFIX);
    return {
      module: AnalyticsModule,
      imports: [
        // Before ReadModelsModule: see AnalyticsInfrastructureModule.
        AnalyticsInfrastructureModule.forRoot({
          brokers: [...config.KAFKA_BROKERS],
          topics,
          subjectKeys: {
            databaseUrl: subjectKeysDatabaseUrl(config),
            schema: config.SUBJECT_KEYS_SCHEMA,
            masterKey: config.PII_MASTER_KEY,
          },
        }),
        ReadModelsModule.forRoot({
          uri: config.MONGODB_URI,
          dbName: config.ANALYTICS_READ_DB,
          projections: analyticsProjections(topics),
        }),
      ],
      controllers: [CustomersController],
      providers: [CustomerQueries],
    };
  }
}
