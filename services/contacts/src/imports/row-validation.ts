import { inputErrors } from '@crm/platform/nest';
import type { Column, ImportField } from './import-columns';

/** One reason a row cannot be imported, named by the import field and the file's column. */
export interface RowFieldError {
  field: string;
  /** The file's header of that field, when one column holds it. */
  column?: string;
  messages: string[];
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; errors: RowFieldError[] };

export const rowFailure = (errors: RowFieldError[]): { ok: false; errors: RowFieldError[] } => ({ ok: false, errors });

/** The DTO's errors for a body, with their API paths (`emails[0].address`): a row is checked as the API checks a body. */
export function dtoErrors(dto: new () => object, body: object): { path: string; messages: string[] }[] {
  return inputErrors(dto, body).map(({ field, messages }) => ({
    path: field,
    messages: [...messages],
  }));
}

/** Names each error's column from the file's header. */
export function withColumns(errors: readonly RowFieldError[], columns: readonly Column[]): RowFieldError[] {
  const headerOf = new Map<string, string>(columns.flatMap(({ field, header }) => (field ? [[field, header]] : [])));
  return errors.map((error) => {
    const column = headerOf.get(error.field as ImportField);
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
