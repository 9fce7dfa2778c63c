/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-`, `@` (or a tab or CR) as a formula, so an exported
 * value could run code on the reader's machine (CSV injection). An export puts a `'` before such a value,
 * the way spreadsheets mark text; an import takes exactly one off again, so a value survives the round
 * trip. Numbers and E.164 phone numbers (`+41446681800`) are left alone: no formula in them.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const ESCAPED = /^'+[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

export function escapeCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

export function unescapeCell(cell: string): string {
  return ESCAPED.test(cell) ? cell.slice(1) : cell;
}
