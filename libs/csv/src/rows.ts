import { WrongExpectedRevisionError } from '@crm/eventsourcing';
import { ProblemError, type FieldError } from '@crm/platform';
import type { Column } from './columns';

/** A row's values by field, as the file wrote them (trimmed, blank cells left out). */
export type RowValues<Field extends string = string> = Partial<Record<Field, string>>;

/** What a row did. */
export type RowOutcome = 'created' | 'updated' | 'unchanged';

/**
 * How a service writes one kind of row, through its own commands; one instance per job (it remembers what the job
 * has seen: a person twice in one file is one person).
 */
export interface RowImporter<Field extends string = string> {
  /** Rows that share a key are imported one after the other (two rows for one person must not both create). */
  keysOf(values: RowValues<Field>): string[];
  /** Writes the row, or throws: a 4xx problem (`InvalidRowError`...) makes it a bad row, anything else stops the job. */
  importRow(values: RowValues<Field>): Promise<RowOutcome>;
  /** What the import said of all its rows, given before the first row (an importer that uses none needs not have it). */
  configure?(options: ImportOptions): void;
}

/** What an import says of all its rows. */
export interface ImportOptions {
  /** The country of rows that name none (ISO 3166-1 alpha-2): a contact's country, and what national numbers are read in. */
  defaultCountry?: string;
}

/** One reason a row cannot be imported, named by the import field and the file's column. */
export interface RowFieldError {
  field: string;
  /** The file's header of that field, when one column holds it. */
  column?: string;
  messages: string[];
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; errors: RowFieldError[] };

export const rowFailure = (errors: RowFieldError[]): { ok: false; errors: RowFieldError[] } => ({ ok: false, errors });

/** A row the import refuses before writing anything: a 400 like the API's, naming import fields (`inputErrors` gives such). */
export class InvalidRowError extends ProblemError {
  override name = 'InvalidRowError';
  constructor(errors: readonly (RowFieldError | FieldError)[]) {
    super({
      status: 400,
      type: 'validation',
      title: 'The row is invalid',
      detail: `${errors.length} ${errors.length === 1 ? 'field breaks' : 'fields break'} the rules; see errors.`,
      errors,
    });
  }
}

/** Names each error's column from the file's header. */
export function withColumns(errors: readonly RowFieldError[], columns: readonly Column[]): RowFieldError[] {
  const headerOf = new Map<string, string>(columns.flatMap(({ field, header }) => (field ? [[field, header]] : [])));
  return errors.map((error) => {
    const column = headerOf.get(error.field);
    return column === undefined ? error : { ...error, column };
  });
}

/** Errors of one field merged into one entry, in the order first seen. */
export function mergeByField(errors: readonly RowFieldError[]): RowFieldError[] {
  const byField = new Map<string, RowFieldError>();
  for (const error of errors) {
    const known = byField.get(error.field);
    if (known) known.messages = [...new Set([...known.messages, ...error.messages])];
    else byField.set(error.field, { ...error, messages: [...error.messages] });
  }
  return [...byField.values()];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/** The row's fields without the cells it left empty. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

const CONFLICT_RETRIES = 3;

/**
 * Runs a load-decide-write again when someone else wrote the stream in between (a row is built from what
 * it loaded), or created what the row was about to create (`alsoConflict`).
 */
export async function retryOnConflict<T>(write: () => Promise<T>, alsoConflict: (error: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const conflict = error instanceof WrongExpectedRevisionError || alsoConflict(error);
      if (!conflict || attempt >= CONFLICT_RETRIES) throw error;
    }
  }
}
