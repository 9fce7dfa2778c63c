import './tracing';
import 'reflect-metadata';
import { bootstrapHttpService } from '@crm/platform/nest';
import { ContactsModule } from './contacts.module';
import { loadContactsConfig } from './config';
import { IMPORT_MEDIA_TYPES } from './imports/contact-imports';

void bootstrapHttpService({
  name: 'contacts',
  loadConfig: loadContactsConfig,
  module: (config) => ContactsModule.forRoot(config),
  platform: { openApi: { title: 'CRM contacts API' }, http: { extraMediaTypes: IMPORT_MEDIA_TYPES } },
});
