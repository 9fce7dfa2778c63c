import { envVar, type ConfigOf } from '@crm/platform';

/** What the contacts import reads from the environment (docs/import-export.md). */
export const importsConfigSpec = {
  /** Largest CSV an import takes; larger ones get 413. */
  CONTACTS_IMPORT_MAX_BYTES: envVar.bytes().default(50 * 1024 * 1024),
  /** Most rows an import takes; more get 413. */
  CONTACTS_IMPORT_MAX_ROWS: envVar.int({ min: 1, max: 1_000_000 }).default(100_000),
  /** Rows one import writes at once. */
  CONTACTS_IMPORT_CONCURRENCY: envVar.int({ min: 1, max: 32 }).default(4),
  /** Where uploads wait for their job (deleted when it ends); the OS temp directory unless given. */
  CONTACTS_IMPORT_SPOOL_DIR: envVar.string().optional(),
};

export type ImportsConfig = ConfigOf<typeof importsConfigSpec>;
