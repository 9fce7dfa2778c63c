import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envVar, type Var } from '@crm/platform';

/**
 * Request bodies the platform must let through unparsed (the declaration's `extraMediaTypes`): imports stream them. An
 * old .xls is let through to be refused with a hint (uploadFormatOf).
 */
export const IMPORT_MEDIA_TYPES = [
  'text/csv',
  'multipart/form-data',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-excel',
] as const;

/** The variables of a service's imports, under its prefix: `CONTACTS_IMPORT_MAX_BYTES`... */
export type ImportConfigSpec<Prefix extends string> = {
  readonly [Name in `${Prefix}_IMPORT_${'MAX_BYTES' | 'MAX_ROWS' | 'CONCURRENCY'}`]: Var<number>;
} & { readonly [Name in `${Prefix}_IMPORT_${'SPOOL_DIR' | 'OWNERS'}`]: Var<string | undefined> };

// `e-mail or name=user id;...`: user ids are UUIDs, as `ownerId` takes them.
const OWNER = '[^=;]+=\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*';
const OWNERS = new RegExp(`^(?:${OWNER};)*${OWNER};?$`);

/**
 * What a service's imports read from the environment, for its declaration's `config`: `importConfigSpec('CONTACTS')`
 * (docs/import-export.md).
 */
export function importConfigSpec<Prefix extends string>(prefix: Prefix): ImportConfigSpec<Prefix> {
  return {
    /** Largest CSV an import takes; larger ones get 413. */
    [`${prefix}_IMPORT_MAX_BYTES`]: envVar.bytes().default(50 * 1024 * 1024),
    /** Most rows an import takes; more get 413. */
    [`${prefix}_IMPORT_MAX_ROWS`]: envVar.int({ min: 1, max: 1_000_000 }).default(100_000),
    /** Rows one import writes at once. */
    [`${prefix}_IMPORT_CONCURRENCY`]: envVar.int({ min: 1, max: 32 }).default(4),
    /** Where uploads wait for their job (deleted when it ends); the OS temp directory unless given. */
    [`${prefix}_IMPORT_SPOOL_DIR`]: envVar.string().optional(),
    /**
     * The users other systems' exports name as owners (`Contact owner`, `Owner Email`), by e-mail or name, each with its
     * user id (the `sub` of its tokens, a UUID): `ann@example.com=0192…;Bob Ray=0193…`.
     */
    [`${prefix}_IMPORT_OWNERS`]: envVar
      .string({ pattern: OWNERS, patternHint: 'entries "e-mail or name=user id (a UUID)" separated by ;' })
      .optional(),
  } as ImportConfigSpec<Prefix>;
}

/** How a service's imports are bounded, and where their files wait. */
export interface ImportSettings {
  readonly maxBytes: number;
  readonly maxRows: number;
  /** Rows one import writes at once. */
  readonly concurrency: number;
  readonly spoolDir: string;
  /** Users by how other systems name them (lower case) → their id. */
  readonly owners: ReadonlyMap<string, string>;
}

/** `ann@example.com=<id>;Bob Ray=<id>` → names in lower case → ids (in lower case, as the API keeps them). */
export function ownersOf(setting: string | undefined): ReadonlyMap<string, string> {
  const entries = (setting ?? '').split(';').flatMap((entry) => {
    const at = entry.indexOf('=');
    return at > 0
      ? [
          [
            entry.slice(0, at).trim().toLowerCase(),
            entry
              .slice(at + 1)
              .trim()
              .toLowerCase(),
          ] as const,
        ]
      : [];
  });
  return new Map(entries);
}

/** The settings a configuration loaded with `importConfigSpec(prefix)` holds; files wait in `crm-<service>-imports/` under the OS temp directory by default. */
export function importSettingsOf(prefix: string, config: Readonly<Record<string, unknown>>): ImportSettings {
  const value = (name: string) => config[`${prefix}_IMPORT_${name}`];
  return {
    maxBytes: value('MAX_BYTES') as number,
    maxRows: value('MAX_ROWS') as number,
    concurrency: value('CONCURRENCY') as number,
    spoolDir:
      (value('SPOOL_DIR') as string | undefined) ?? join(tmpdir(), `crm-${prefix.toLowerCase().replace(/_/g, '-')}-imports`),
    owners: ownersOf(value('OWNERS') as string | undefined),
  };
}
