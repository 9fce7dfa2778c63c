import type { RowFieldError } from './rows';

/** `1.52533E+11`: what a spreadsheet shows, and saves, for a long numeric id it has rounded. */
const ROUNDED_BY_A_SPREADSHEET = /^[+-]?\d+(?:[.,]\d+)?E\+?\d+$/i;

/**
 * Another system's id, as a cell holds it; one a spreadsheet rounded into scientific notation is refused on `field`,
 * since several records' ids collapse into one and would silently become one contact.
 */
export function readExternalIdCell<F extends string>(
  cell: string | undefined,
  field: F,
  errors: RowFieldError[],
): string | undefined {
  if (cell === undefined || !ROUNDED_BY_A_SPREADSHEET.test(cell)) return cell;
  errors.push({
    field,
    messages: [`"${cell}" is an id a spreadsheet rounded into scientific notation; export the ids as text and import again`],
  });
  return undefined;
}
