import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { problemRegistry } from '@crm/platform';
import { PLATFORM_LOGGER, toProblem } from '@crm/platform/nest';
import type { ImportJobStore } from '../job-store';
import { ImportQueue } from '../queue';
import type { CsvImportsDefinition, ImportsOptions } from './csv-imports';

export const IMPORTS_DEFINITION = Symbol('IMPORTS_DEFINITION');
export const IMPORTS_OPTIONS = Symbol('IMPORTS_OPTIONS');
export const IMPORT_POOL = Symbol('IMPORT_POOL');
export const IMPORT_JOB_STORE = Symbol('IMPORT_JOB_STORE');

/**
 * The service's import queue, started with the application and stopped before it closes (the jobs in progress then
 * fail, saying how to recover). A job's row importer is made from the service's module, so it gets its command bus
 * and repositories; a bad row is judged as the API judges a request (the platform's problem registry).
 */
@Injectable()
export class ImportJobs extends ImportQueue implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(IMPORT_JOB_STORE) store: ImportJobStore,
    @Inject(IMPORT_POOL) private readonly pool: Pool,
    @Inject(IMPORTS_OPTIONS) options: ImportsOptions,
    @Inject(IMPORTS_DEFINITION) definition: CsvImportsDefinition,
    @Inject(PLATFORM_LOGGER) logger: Logger,
    @Inject(ModuleRef) modules: ModuleRef,
  ) {
    super({
      store,
      kinds: definition.kinds,
      importerFor: (kind) => modules.create(definition.importers[kind]),
      settings: options.settings,
      logger,
      problemOf: (error) => toProblem(error, { ifMatch: false }, problemRegistry),
    });
  }

  onModuleInit(): Promise<void> {
    return this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
