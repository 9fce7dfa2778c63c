import type { InjectionToken, Provider, Type } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Role } from '@crm/platform';
import { createPool } from '@crm/postgres';
import type { ImportKinds } from '../columns';
import type { ImportSettings } from '../config';
import type { ImportPresets } from '../presets';
import { ImportJobStore } from '../job-store';
import type { RowImporter } from '../rows';
import { IMPORT_JOB_STORE, IMPORT_POOL, IMPORTS_DEFINITION, IMPORTS_OPTIONS, ImportJobs } from './import-jobs';
import { importsController } from './imports.controller';

/** Where a service's jobs are kept and how its imports are bounded. */
export interface ImportsOptions {
  readonly databaseUrl: string;
  /** The PostgreSQL schema of `import_jobs` and `import_job_errors`: the service's. */
  readonly schema: string;
  readonly settings: ImportSettings;
}

/** How a service takes CSV imports: its kinds, a row importer per kind, who may import, and its options. */
export interface CsvImportsDefinition<Kind extends string = string> {
  readonly kinds: ImportKinds<Kind>;
  /** Other systems' exports this service reads as they are (`preset=hubspot`). */
  readonly presets?: ImportPresets<Kind>;
  /** A row importer class per kind, made anew for each job with the service's providers injected. */
  readonly importers: Readonly<Record<Kind, Type<RowImporter>>>;
  /** Who may import and see their imports (an admin sees everyone's). */
  readonly roles: readonly Role[];
  /** Usually from the service's configuration: `inject: [SERVICE_CONFIG, SERVICE_SETTINGS]`. */
  readonly options: {
    readonly inject: InjectionToken[];
    readonly useFactory: (...args: never[]) => ImportsOptions | Promise<ImportsOptions>;
  };
}

/**
 * CSV imports for a service: `POST /v1/imports` and the job routes (`controller`), and the job queue with its store
 * (`providers`), both to be listed in the service's application module, whose providers the row importers use.
 */
export function csvImports<Kind extends string>(
  definition: CsvImportsDefinition<Kind>,
): { controller: Type; providers: Provider[] } {
  const providers: Provider[] = [
    { provide: IMPORTS_DEFINITION, useValue: definition },
    { provide: IMPORTS_OPTIONS, inject: definition.options.inject, useFactory: definition.options.useFactory },
    {
      provide: IMPORT_POOL,
      inject: [IMPORTS_OPTIONS],
      useFactory: (options: ImportsOptions) => createPool({ connectionString: options.databaseUrl, max: 3 }),
    },
    {
      provide: IMPORT_JOB_STORE,
      inject: [IMPORT_POOL, IMPORTS_OPTIONS],
      useFactory: async (pool: Pool, options: ImportsOptions) => {
        const store = new ImportJobStore(pool, options.schema, definition.kinds.names);
        await store.migrate();
        return store;
      },
    },
    ImportJobs,
  ];
  return { controller: importsController(definition.kinds, definition.roles, definition.presets), providers };
}
