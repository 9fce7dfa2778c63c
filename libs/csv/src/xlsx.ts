import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { open as openZip, type ZipFile } from 'yauzl';
import { ProblemError } from '@crm/platform';
import { MAX_COLUMNS } from './csv-file';
import { InvalidWorkbookError, TooManyRowsError, WorkbookTooLargeError } from './problems';

/** How far a workbook is converted: rows of the sheet, bytes of the CSV it becomes, what its zip may inflate to. */
export interface WorkbookLimits {
  readonly maxRows: number;
  readonly maxCsvBytes: number;
  /** The sum of its entries' uncompressed sizes, as its zip directory declares them: a zip bomb is refused before. */
  readonly maxInflatedBytes: number;
}

/** An xlsx holds a few dozen parts; thousands are a crafted file. */
const MAX_ZIP_ENTRIES = 1000;

/**
 * Converts the first worksheet of an .xlsx file to a UTF-8 CSV file (streamed: the sheet is never held in memory).
 * Cells as a user sees them: text as is, integers in full (a 12-digit id stays as it is), other numbers without float
 * noise, dates as `YYYY-MM-DD` (with `THH:MM:SS` when they have a time), formulas as their last computed result.
 * Leading and trailing empty rows and empty columns right of the header go; empty rows within keep their line, so that
 * a row is reported by the worksheet's row number. Past a limit: 413 or 400, and `csvPath` is not left behind.
 */
export async function convertWorkbook(xlsxPath: string, csvPath: string, limits: WorkbookLimits): Promise<void> {
  await checkZipDirectory(xlsxPath, limits.maxInflatedBytes);
  try {
    await pipeline(Readable.from(firstSheetLines(xlsxPath, limits)), createWriteStream(csvPath, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    await rm(csvPath, { force: true });
    throw error;
  }
}

/** The first worksheet's rows as CSV lines, within the limits. */
async function* firstSheetLines(xlsxPath: string, limits: WorkbookLimits): AsyncGenerator<string> {
  const input = createReadStream(xlsxPath);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // a date is a number with a date format
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let width: number | undefined;
  let rows = 0;
  let bytes = 0;
  let line = 0;
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const cells = rowCells(row);
        if (cells.length > MAX_COLUMNS) {
          throw new InvalidWorkbookError(
            `Row ${row.number} of the worksheet has cells in ${cells.length} columns; at most ${MAX_COLUMNS}.`,
          );
        }
        if (cells.length === 0) continue;
        if (width === undefined) width = cells.length;
        else if (++rows > limits.maxRows) throw new TooManyRowsError(limits.maxRows);
        // Blank lines for the rows passed over (the CSV reader skips them), so lines are the worksheet's rows.
        const text = '\n'.repeat(Math.max(row.number - line - 1, 0)) + csvLine(cells, width);
        line = row.number;
        bytes += Buffer.byteLength(text);
        if (bytes > limits.maxCsvBytes) throw new WorkbookTooLargeError(limits.maxCsvBytes);
        yield text;
      }
      return; // the first worksheet only
    }
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw new InvalidWorkbookError(`It could not be read (${error instanceof Error ? error.message : String(error)}).`);
  } finally {
    input.unpipe();
    input.destroy();
  }
}

/** A row's cells as text, the empty ones at its end left out. */
function rowCells(row: ExcelJS.Row): string[] {
  const values = Array.isArray(row.values) ? row.values.slice(1) : []; // exceljs counts columns from 1
  const cells = Array.from(values, cellText);
  while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
  return cells;
}

/** The row as a CSV line as wide as the header: shorter rows filled, a wider one kept (the CSV check names its line). */
function csvLine(cells: string[], width: number): string {
  const padded = cells.length < width ? [...cells, ...Array<string>(width - cells.length).fill('')] : cells;
  return stringify([padded]);
}

/** A cell's value as the user sees it in the sheet. */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return dateText(value);
  if ('result' in value || 'formula' in value || 'sharedFormula' in value) {
    return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue | undefined);
  }
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) return cellText(value.text as ExcelJS.CellValue);
  if ('error' in value) return value.error;
  return '';
}

/**
 * A number as written in the sheet: an integer in full (no `1.52533E+11`), others to the 15 significant digits a
 * spreadsheet keeps (no `0.30000000000000004`), never in scientific notation.
 */
export function numberText(value: number): string {
  if (!Number.isFinite(value)) return '';
  const kept = Number(value.toPrecision(15));
  if (Number.isInteger(kept)) return BigInt(kept).toString();
  const text = String(kept);
  return /e/i.test(text) ? kept.toFixed(20).replace(/0+$/, '') : text;
}

/**
 * A date cell (exceljs reads the sheet's serial as UTC): the date, and the time to the second when it has one (a
 * serial's float is rounded: 09:29:59.9997 is the 09:30 the sheet shows).
 */
export function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const iso = new Date(Math.round(date.getTime() / 1000) * 1000).toISOString(); // 2024-03-01T09:30:00.000Z
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19);
}

/** Refuses a file that is not a zip, or one whose entries would inflate past the limit, before anything inflates it. */
async function checkZipDirectory(path: string, maxInflatedBytes: number): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await new Promise<ZipFile>((resolve, reject) =>
      openZip(path, { lazyEntries: true, autoClose: false }, (error, file) => (error ? reject(error) : resolve(file))),
    );
  } catch (error) {
    throw new InvalidWorkbookError(`It is not a whole .xlsx file (${(error as Error).message}).`);
  }
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES)
      throw new InvalidWorkbookError(`It has ${zip.entryCount} parts; at most ${MAX_ZIP_ENTRIES}.`);
    let inflated = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: { uncompressedSize: number }) => {
        inflated += entry.uncompressedSize;
        if (inflated > maxInflatedBytes) reject(new WorkbookTooLargeError(maxInflatedBytes, 'unpacks to'));
        else zip.readEntry();
      });
      zip.once('end', resolve);
      zip.once('error', (error: Error) => reject(new InvalidWorkbookError(`It is not a whole .xlsx file (${error.message}).`)));
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
