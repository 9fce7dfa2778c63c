import './tracing';
import 'reflect-metadata';
import { bootstrapHttpService } from '@crm/platform/nest';
import { AnalyticsModule } from './analytics.module';
import { loadAnalyticsConfig } from './config';

void bootstrapHttpService({
  name: 'analytics',
  loadConfig: loadAnalyticsConfig,
  module: (config) => AnalyticsModule.forRoot(config),
  platform: { openApi: { title: 'CRM analytics API' } },
});
