/**
 * What spreadsheets and other systems' exports write in an empty cell: `null`, `N/A`, Excel's `#N/A`, `-`, `none`.
 * Read as blank in every import, whatever the field: stored, they would become a tag `null`, a company named `N/A`,
 * a phone that fails its row. `NA` is not one: it is Namibia's country code.
 */
const PLACEHOLDERS: ReadonlySet<string> = new Set(['null', 'none', 'n/a', '#n/a', '-', '--', 'nil', 'undefined']);

export const isPlaceholderCell = (cell: string): boolean => PLACEHOLDERS.has(cell.trim().toLowerCase());
