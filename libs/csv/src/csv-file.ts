import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError, type Info } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { PayloadTooLargeError } from '@crm/platform';
import { InvalidCsvError, TooManyRowsError } from './problems';

export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** No header of ours needs more, and a wider file is more likely a wrong delimiter or a hostile one. */
export const MAX_COLUMNS = 200;
/** One record (all its cells) at most; csv-parse refuses longer ones instead of buffering them. */
export const MAX_RECORD_CHARACTERS = 64 * 1024;

/**
 * Writes a request body to `path` (created, private to the service's user), through `convert` when given (a charset's
 * decoder), and returns the size received. Past `maxBytes` received it stops writing, reads the rest of the body away as the JSON parser does (so that the client
 * gets the 413 instead of a reset connection), deletes the file and throws PayloadTooLargeError.
 */
export async function spoolBody(
  body: Readable,
  path: string,
  maxBytes: number,
  convert: Transform = new PassThrough(),
): Promise<number> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > maxBytes ? new PayloadTooLargeError(maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(body, limit, convert, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    return bytes;
  } catch (error) {
    await rm(path, { force: true });
    if (!body.readableEnded && !body.destroyed) {
      body.resume();
      await new Promise<void>((resolve) =>
        body
          .once('end', resolve)
          .once('close', resolve)
          .once('error', () => resolve()),
      );
    }
    throw error;
  }
}

export interface CsvRecord {
  cells: string[];
  /** The line the record starts on (the header's is 1): a spreadsheet's row number. */
  line: number;
  /** Bytes of the file read up to this record: the import's progress. */
  bytes: number;
}

/** The file's records (the header first), parsed as it streams from disk; a broken file throws InvalidCsvError. */
export async function* csvRecords(path: string, delimiter: CsvDelimiter): AsyncGenerator<CsvRecord> {
  const parser = parse({
    bom: true,
    delimiter,
    info: true,
    skip_empty_lines: true,
    // A spreadsheet's trailing `,,,,` lines are not rows.
    skip_records_with_empty_values: true,
    max_record_size: MAX_RECORD_CHARACTERS,
  });
  const reading = pipeline(createReadStream(path), utf8Check(), parser).catch(() => undefined);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      // csv-parse counts lines up to the record's end; a quoted cell may span several.
      const spanned = record.reduce((sum, cell) => sum + (cell.match(/\n/g)?.length ?? 0), 0);
      yield { cells: record, line: info.lines - spanned, bytes: info.bytes };
    }
  } catch (error) {
    throw isCsvError(error) ? invalidCsv(error) : error;
  } finally {
    parser.destroy();
    await reading;
  }
}

/** How much of a file the delimiter is guessed from: the header and the first rows. */
const SNIFF_BYTES = 64 * 1024;
const SNIFF_RECORDS = 20;

/**
 * The delimiter a file uses, when the request names none: the candidate (comma, semicolon, tab) that splits the header
 * into the most cells, among those that split every sniffed row into as many; a comma when none splits the header.
 * Quotes are honoured, so a quoted `;` in a comma file does not count.
 */
export async function detectDelimiter(path: string): Promise<CsvDelimiter> {
  const file = await open(path);
  let text: string;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(buffer, 0, SNIFF_BYTES, 0);
    text = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
  // A cut last line (the sniff ends mid-record) is not judged.
  const whole = text.length === SNIFF_BYTES ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
  const widths = CSV_DELIMITERS.map((delimiter) => ({ delimiter, cells: consistentWidth(whole, delimiter) }));
  const best = widths.reduce((a, b) => (b.cells > a.cells ? b : a));
  return best.cells > 1 ? best.delimiter : ',';
}

/** The header's number of cells when every sniffed record has as many, else 0. */
function consistentWidth(text: string, delimiter: CsvDelimiter): number {
  try {
    const records = parseSync(text, {
      bom: true,
      delimiter,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      to: SNIFF_RECORDS,
      relax_column_count: true,
    }) as string[][];
    const [header, ...rows] = records;
    if (!header || rows.some((row) => row.length !== header.length)) return 0;
    return header.length;
  } catch {
    return 0; // not CSV with this delimiter (a quote out of place)
  }
}

/**
 * Reads the whole file once before anything is imported, so that a broken file (unbalanced quotes, a row
 * wider than the header, not UTF-8) is refused as a whole and nothing is written. Returns the header and
 * the number of rows.
 */
export async function checkCsvFile(
  path: string,
  options: { delimiter: CsvDelimiter; maxRows: number },
): Promise<{ headers: string[]; rows: number }> {
  let headers: string[] | undefined;
  let rows = 0;
  for await (const { cells } of csvRecords(path, options.delimiter)) {
    if (!headers) {
      if (cells.length > MAX_COLUMNS)
        throw new InvalidCsvError(`The header has ${cells.length} columns; at most ${MAX_COLUMNS}.`);
      headers = cells;
    } else if (++rows > options.maxRows) {
      throw new TooManyRowsError(options.maxRows);
    }
  }
  if (!headers) throw new InvalidCsvError('The file is empty: send a header line and at least one row.');
  if (rows === 0) throw new InvalidCsvError('The file has a header but no rows.');
  return { headers, rows };
}

/** Refuses bytes that are not UTF-8 instead of importing replacement characters. */
function utf8Check(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const notUtf8 = () => new InvalidCsvError('The file is not UTF-8 text; save it as "CSV UTF-8".');
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        decoder.decode(chunk, { stream: true });
        done(null, chunk);
      } catch {
        done(notUtf8());
      }
    },
    flush(done) {
      try {
        decoder.decode();
        done();
      } catch {
        done(notUtf8());
      }
    },
  });
}

const isCsvError = (error: unknown): error is CsvError =>
  error instanceof Error &&
  typeof (error as { code?: unknown }).code === 'string' &&
  /^(CSV_|INVALID_)/.test((error as CsvError).code);

/** csv-parse's error as a client-facing problem: the line and what is wrong, never the row's content. */
function invalidCsv(error: CsvError): InvalidCsvError {
  const line = typeof error.lines === 'number' ? error.lines : undefined;
  const [, expected, got] = /expect (\d+), got (\d+)/.exec(error.message) ?? [];
  const reasons: Partial<Record<string, string>> = {
    CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed',
    CSV_INVALID_CLOSING_QUOTE: 'a quote inside a quoted cell is not doubled',
    INVALID_OPENING_QUOTE: 'a quote starts in the middle of a cell',
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing quote',
    CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: got
      ? `a row has ${got} cells, the header ${expected}`
      : 'a row is not as wide as the header',
    CSV_MAX_RECORD_SIZE: `a row is longer than ${MAX_RECORD_CHARACTERS} characters`,
  };
  const at = line === undefined ? '' : ` (line ${line})`;
  return new InvalidCsvError(`The file is not valid CSV${at}: ${reasons[error.code] ?? error.code}.`, line);
}
