import { baseConfigSpec, envVar, loadConfig, privacyConfigSpec, type ConfigOf } from '@crm/platform';
import { importsConfigSpec } from './imports/import-config';

export const contactsConfigSpec = {
  ...baseConfigSpec,
  ...privacyConfigSpec,
  ...importsConfigSpec,
  PORT: envVar.port().default(3001),
  // The relay keeps its checkpoint and lease in PostgreSQL, whatever the event store.
  DATABASE_URL: envVar.url(['postgres', 'postgresql']),
  CONTACTS_DB_SCHEMA: envVar.string().default('contacts'),
  CONTACTS_READ_DB: envVar.string().default('crm_contacts'),
};

export type ContactsConfig = ConfigOf<typeof contactsConfigSpec>;

export const loadContactsConfig = (env: NodeJS.ProcessEnv = process.env): ContactsConfig => loadConfig(contactsConfigSpec, env);
