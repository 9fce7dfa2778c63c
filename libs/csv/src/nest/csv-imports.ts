import type { Provider, Type } from '@nestjs/common';
import type { Pool } from 'pg';
import { createPool } from '@crm/postgres';
import { SERVICE_CONFIG, SERVICE_SETTINGS, type ServiceConfig, type ServiceSettings } from '@crm/service-kit';
import { CompanyExportController, ContactExportController } from './exports.controller';
import { ImportJobStore } from './import-job-store';
import { IMPORT_JOB_STORE, IMPORT_POOL, IMPORTS_CONFIG, ImportJobs } from './import-jobs';
import { ImportsController } from './imports.controller';

/** Request bodies the platform must let through unparsed: imports stream them from the request. */
export const IMPORT_MEDIA_TYPES = ['text/csv'] as const;

/**
 * CSV import and export. The export controllers must come before ContactsController and CompaniesController
 * (`…/export` before `…/:id`).
 */
export const importControllers: Type[] = [ContactExportController, CompanyExportController, ImportsController];

export const importProviders: Provider[] = [
  { provide: IMPORTS_CONFIG, inject: [SERVICE_CONFIG], useFactory: (config: ServiceConfig) => config },
  {
    provide: IMPORT_POOL,
    inject: [SERVICE_CONFIG],
    useFactory: (config: ServiceConfig) => createPool({ connectionString: config.DATABASE_URL, max: 3 }),
  },
  {
    provide: IMPORT_JOB_STORE,
    inject: [IMPORT_POOL, SERVICE_SETTINGS],
    useFactory: async (pool: Pool, settings: ServiceSettings) => {
      const store = new ImportJobStore(pool, settings.schema);
      await store.migrate();
      return store;
    },
  },
  ImportJobs,
];
