import { WrongExpectedRevisionError } from '@crm/eventsourcing';
import { ProblemError, type FieldError } from '@crm/platform';
import { LIST_SEPARATOR, listItems, type Column } from './columns';
import type { DateOrder } from './dates';

/** A row's values by field, as the file wrote them (trimmed, blank cells left out). */
export type RowValues<Field extends string = string> = Partial<Record<Field, string>>;

/** What a row did. */
export type RowOutcome = 'created' | 'updated' | 'unchanged';

/** What a row would do, told without writing anything (a preview). */
export interface RowPlan {
  outcome: RowOutcome;
  /** What it would update or leave unchanged: the contact's or company's id. */
  targetId?: string;
  /** What `importRow` would warn of (cells it would leave out, values it would write with a doubt). */
  warnings?: RowFieldError[];
}

/**
 * A row written with warnings: cells left out (`onInvalidCell=skip`) or written with a doubt, each named by its import
 * field with the rule, as a bad row's errors are (never a person's values).
 */
export interface ImportedRow {
  outcome: RowOutcome;
  warnings: RowFieldError[];
}

/**
 * How a service writes one kind of row, through its own commands; one instance per job (it remembers what the job
 * has seen: a person twice in one file is one person).
 */
export interface RowImporter<Field extends string = string> {
  /** Rows that share a key are imported one after the other (two rows for one person must not both create). */
  keysOf(values: RowValues<Field>): string[];
  /**
   * Writes the row (with its warnings, if any), or throws: a 4xx problem (`InvalidRowError`...) makes it a bad row,
   * anything else stops the job.
   */
  importRow(values: RowValues<Field>): Promise<RowOutcome | ImportedRow>;
  /**
   * What `importRow` would do (and its warnings), decided by the same code on the state it loads, writing nothing;
   * throws as `importRow` does. Without it, a preview shows the columns but no row outcomes.
   */
  planRow?(values: RowValues<Field>): Promise<RowPlan>;
  /** What the import said of all its rows, given before the first row (an importer that uses none needs not have it). */
  configure?(options: ImportOptions): void;
}

/** What an import says of all its rows. */
export interface ImportOptions {
  /** The country of rows that name none (ISO 3166-1 alpha-2): a contact's country, and what national numbers are read in. */
  defaultCountry?: string;
  /** A cell that breaks a rule fails its row (`strict`, the default), or is left out with a warning (`skip`). */
  onInvalidCell?: OnInvalidCell;
  /** The order of day and month in each date column, by field: given with the import, or told by the column's values. */
  dateOrders?: Readonly<Record<string, DateOrder>>;
  /** Users by how other systems name them (an e-mail or a name, lower case) → their id (`ownerId`). */
  owners?: ReadonlyMap<string, string>;
}

export const ON_INVALID_CELL = ['strict', 'skip'] as const;
export type OnInvalidCell = (typeof ON_INVALID_CELL)[number];

/** One reason a row cannot be imported, named by the import field and the file's column. */
export interface RowFieldError {
  field: string;
  /** The file's header of that field, when one column holds it. */
  column?: string;
  /** Of a list cell (`a; b; c`): the positions (from 1) of the items the messages are about; absent: the whole cell. */
  items?: number[];
  messages: string[];
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; errors: RowFieldError[] };

export const rowFailure = (errors: RowFieldError[]): { ok: false; errors: RowFieldError[] } => ({ ok: false, errors });

/** A row the import refuses before writing anything: a 400 like the API's, naming import fields (`inputErrors` gives such). */
export class InvalidRowError extends ProblemError {
  override name = 'InvalidRowError';
  constructor(readonly errors: readonly (RowFieldError | FieldError)[]) {
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

/** Errors of one field merged into one entry, in the order first seen (about the whole cell if one of them is). */
export function mergeByField(errors: readonly RowFieldError[]): RowFieldError[] {
  const byField = new Map<string, RowFieldError>();
  for (const error of errors) {
    const known = byField.get(error.field);
    if (!known) {
      byField.set(error.field, { ...error, messages: [...error.messages], ...(error.items && { items: [...error.items] }) });
      continue;
    }
    known.messages = [...new Set([...known.messages, ...error.messages])];
    if (known.items && error.items) known.items = [...new Set([...known.items, ...error.items])].sort((a, b) => a - b);
    else delete known.items;
  }
  return [...byField.values()];
}

/**
 * `onInvalidCell=skip` for one row: imports it, and when it is refused for cells it has, imports it again without them
 * (each reported as a warning), until it lands or is refused for something no cell of its own can be left out for (a
 * contact without a name to create it with): it is then a bad row with every reason, the cells left out too.
 * An error about some items of a list cell (`items`) leaves out those items only, the cell's others stay.
 * `kept` are fields never left out: the ids that say which record the row is for (without them it would write another).
 */
export async function importSkippingInvalidCells<Field extends string>(
  values: RowValues<Field>,
  importCells: (values: RowValues<Field>) => Promise<RowOutcome>,
  kept: readonly Field[],
): Promise<ImportedRow> {
  const skipped: RowFieldError[] = [];
  // Of a list cell some items were taken out of: where the items left were in the file's cell (errors name those).
  const positions = new Map<string, number[]>();
  let cells = values;
  for (;;) {
    try {
      return { outcome: await importCells(cells), warnings: skipped };
    } catch (error) {
      if (!(error instanceof InvalidRowError)) throw error;
      const refused = mergeByField(error.errors.map((e) => ({ ...e, messages: [...e.messages] })));
      const inFile = refused.map((e) =>
        e.items ? { ...e, items: e.items.map((item) => positions.get(e.field)?.[item - 1] ?? item) } : e,
      );
      const skippable = (field: string) => field in cells && !kept.includes(field as Field);
      if (!refused.every(({ field }) => skippable(field))) {
        throw skipped.length > 0 ? new InvalidRowError(mergeByField([...skipped, ...inFile])) : error;
      }
      skipped.push(...inFile);
      cells = withoutCells(cells, refused, positions);
    }
  }
}

/** The row without the cells (or the items of list cells) the errors name; `positions` follows the items left. */
function withoutCells<Field extends string>(
  cells: RowValues<Field>,
  errors: readonly RowFieldError[],
  positions: Map<string, number[]>,
): RowValues<Field> {
  const left: RowValues<Field> = { ...cells };
  for (const { field, items } of errors) {
    const list = listItems(left[field as Field]) ?? [];
    const keep = (_: unknown, index: number) => items !== undefined && !items.includes(index + 1);
    const kept = list.filter(keep);
    if (kept.length === 0) {
      delete left[field as Field];
      continue;
    }
    left[field as Field] = kept.join(`${LIST_SEPARATOR} `);
    positions.set(field, (positions.get(field) ?? list.map((_, index) => index + 1)).filter(keep));
  }
  return left;
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
