import type { Column } from './columns';
import { csvRecords, type CsvDelimiter } from './csv-file';
import { DateOrderEvidence, type DateOrder } from './dates';

/**
 * The file's columns, each date column with its day/month order: the one the import gives, else the one its values
 * tell (a first or second number over 12 somewhere in the column); none when they do not tell (its rows then take ISO
 * dates only, and say to give `dateOrder`). Reads the whole file when no order is given: one more pass, before the job.
 */
export async function withDateOrders(
  path: string,
  delimiter: CsvDelimiter,
  columns: readonly Column[],
  holdsDates: (field: string) => boolean,
  given: DateOrder | undefined,
): Promise<Column[]> {
  const dated = columns.flatMap((column, index) => (column.field && holdsDates(column.field) ? [index] : []));
  if (given !== undefined || dated.length === 0) {
    return columns.map((column, index) => (dated.includes(index) && given ? { ...column, dateOrder: given } : column));
  }
  const evidence = new Map(dated.map((index) => [index, new DateOrderEvidence()]));
  let header = true;
  for await (const { cells } of csvRecords(path, delimiter)) {
    if (header) header = false;
    else for (const [index, column] of evidence) column.add(cells[index] ?? '');
  }
  return columns.map((column, index) => {
    const order = evidence.get(index)?.order();
    return order ? { ...column, dateOrder: order } : column;
  });
}
