import type { Provider, Type } from '@nestjs/common';
import { Pool } from 'pg';
import { createPool } from '@crm/postgres';
import { CompanyExportController, ContactExportController } from './exports.controller';
import type { ImportsConfig } from './import-config';
import { ImportJobStore } from './import-job-store';
import { IMPORT_JOB_STORE, IMPORT_POOL, IMPORTS_CONFIG, ImportJobs } from './import-jobs';
import { ImportsController } from './imports.controller';

/** Request bodies the platform must let through unparsed: imports stream them from the request. */
export const IMPORT_MEDIA_TYPES = ['text/csv'] as const;

/**
 * CSV import and export, added to ContactsModule's own controllers and providers rather than being a module
 * of their own: they run the module's ContactWorkflows and repositories, which a child module could not
 * inject. The export controllers must come before ContactsController and CompaniesController (`…/export` before `…/:id`).
 */
export function contactImports(config: ImportsConfig & { DATABASE_URL: string; CONTACTS_DB_SCHEMA: string }): {
  controllers: Type[];
  providers: Provider[];
} {
  return {
    controllers: [ContactExportController, CompanyExportController, ImportsController],
    providers: [
      { provide: IMPORTS_CONFIG, useValue: config },
      { provide: IMPORT_POOL, useFactory: () => createPool({ connectionString: config.DATABASE_URL, max: 3 }) },
      {
        provide: IMPORT_JOB_STORE,
        inject: [IMPORT_POOL],
        useFactory: async (pool: Pool) => {
          const store = new ImportJobStore(pool, config.CONTACTS_DB_SCHEMA);
          await store.migrate();
          return store;
        },
      },
      ImportJobs,
    ],
  };
}
