import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { ProblemError, RequestValidationError, UnsupportedMediaTypeError } from '@crm/platform';
import { spoolBody } from './csv-file';
import { bomEncoding, CharsetSniffer, decodingStream, encodingOf, utf8From } from './encoding';
import { convertWorkbook } from './xlsx';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const XLS_MEDIA_TYPE = 'application/vnd.ms-excel';

/** What an upload is, from its Content-Type: CSV (in a declared charset, else the BOM's or a detected one), a workbook, or a form. */
export type UploadFormat =
  | { readonly type: 'csv'; readonly encoding?: string }
  | { readonly type: 'xlsx' }
  | { readonly type: 'multipart'; readonly contentType: string };

const xlsRefusal = () =>
  new UnsupportedMediaTypeError('Old Excel workbooks (.xls) are not read: save the sheet as .xlsx or as CSV UTF-8.');

/** The format a request's Content-Type names; a 415 saying what is taken for anything else. */
export function uploadFormatOf(contentType: string | undefined): UploadFormat {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'text/csv') {
    const charset = /;\s*charset\s*=\s*"?([^";]+)"?/i.exec(contentType ?? '')?.[1]?.trim();
    return { type: 'csv', ...(charset && { encoding: encodingOf(charset) }) };
  }
  if (mediaType === XLSX_MEDIA_TYPE) return { type: 'xlsx' };
  if (mediaType === 'multipart/form-data') return { type: 'multipart', contentType: contentType! };
  if (mediaType === XLS_MEDIA_TYPE) throw xlsRefusal();
  throw new UnsupportedMediaTypeError(
    `Send the file as text/csv, ${XLSX_MEDIA_TYPE} or multipart/form-data; received ${mediaType ? `"${mediaType}"` : 'no Content-Type'}.`,
  );
}

/**
 * A file part's format: its name's extension first (Windows browsers send a .csv as application/vnd.ms-excel when Excel
 * is installed), then its Content-Type when that names a workbook, else a CSV (a browser sends
 * application/octet-stream for a name it does not know). Browsers send no charset with a file: its BOM tells it, or it
 * is detected.
 */
export function partFormatOf(filename: string | undefined, mimeType: string): UploadFormat {
  const extension = extname(filename ?? '').toLowerCase();
  if (['.csv', '.txt', '.tsv', '.tab'].includes(extension)) return { type: 'csv' };
  if (extension === '.xlsx' || mimeType.toLowerCase() === XLSX_MEDIA_TYPE) return { type: 'xlsx' };
  if (extension === '.xls') throw xlsRefusal();
  return { type: 'csv' };
}

export interface UploadLimits {
  /** Of the bytes received (the file as sent, not what it converts to). */
  readonly maxBytes: number;
  readonly maxRows: number;
}

/** A workbook of the size limit may unpack to this many times as much; more is a zip bomb. */
const MAX_INFLATION = 20;

/**
 * Receives an upload into `path` as a UTF-8 CSV file and returns that file's size: a CSV decoded from its charset as
 * it streams in, an .xlsx converted from its first worksheet, a form's one file part as either. Past the size limit
 * (on the bytes received) a 413; nothing is held in memory; on a refusal nothing is left behind.
 */
export async function spoolUpload(body: Readable, format: UploadFormat, path: string, limits: UploadLimits): Promise<number> {
  try {
    if (format.type === 'multipart') await spoolFilePart(body, format.contentType, path, limits);
    else if (format.type === 'xlsx') await spoolWorkbook(body, path, limits);
    else await spoolCsv(body, format.encoding, path, limits.maxBytes);
    return (await stat(path)).size;
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/**
 * A CSV as UTF-8: in the encoding its BOM tells, else the declared one, decoded as it streams. With neither, the bytes
 * are kept as they come and watched; UTF-8 stays, windows-1252 is decoded once received, anything else is refused.
 */
async function spoolCsv(body: Readable, declared: string | undefined, path: string, maxBytes: number): Promise<void> {
  const sniffer = new CharsetSniffer();
  let sniffed = false;
  await spoolBody(
    body,
    path,
    maxBytes,
    decodingStream((start) => {
      const encoding = bomEncoding(start) ?? declared;
      if (encoding) return utf8From(encoding);
      sniffed = true;
      return (chunk) => {
        if (chunk) sniffer.add(chunk);
        return chunk ?? Buffer.alloc(0);
      };
    }),
  );
  if (sniffed && sniffer.verdict() === 'windows-1252') {
    const decoded = `${path}.utf8`;
    try {
      const decode = utf8From('windows-1252');
      await pipeline(
        createReadStream(path),
        decodingStream(() => decode),
        createWriteStream(decoded, { flags: 'wx', mode: 0o600 }),
      );
      await rename(decoded, path);
    } finally {
      await rm(decoded, { force: true });
    }
  }
}

async function spoolWorkbook(body: Readable, path: string, limits: UploadLimits): Promise<void> {
  const workbook = `${path}.xlsx`;
  try {
    await spoolBody(body, workbook, limits.maxBytes);
    await convertWorkbook(workbook, path, {
      maxRows: limits.maxRows,
      maxCsvBytes: limits.maxBytes,
      maxInflatedBytes: MAX_INFLATION * limits.maxBytes,
    });
  } finally {
    await rm(workbook, { force: true });
  }
}

/** A form's single file part (any field name), spooled by its own format; 400 for a form with none, two, or other fields. */
async function spoolFilePart(body: Readable, contentType: string, path: string, limits: UploadLimits): Promise<void> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: { files: 1, fields: 0 },
    });
  } catch (error) {
    throw formError(`The form cannot be read: ${(error as Error).message}.`);
  }
  let spooling: Promise<void> | undefined;
  let refusal: Error | undefined;
  const refuse = (error: Error) => void (refusal ??= error);
  parser.on('file', (_name, file, info) => {
    // Spooled from a stream of its own: a refusal destroys that one, and the rest of the part is read away, so that the
    // form is read to its end and the client gets the answer.
    const part = file.pipe(new PassThrough());
    file.once('error', (error) => part.destroy(error)); // a form cut short
    const drain = (error: Error) => {
      refuse(error instanceof ProblemError ? error : formError(`The file part cannot be read: ${error.message}.`));
      file.unpipe(part);
      file.resume();
    };
    try {
      spooling = spoolUpload(part, partFormatOf(info.filename, info.mimeType), path, limits).then(() => undefined, drain);
    } catch (error) {
      drain(error as Error);
    }
  });
  parser.on('filesLimit', () => refuse(formError('The form holds more than one file: send one file per import.')));
  // The options are query parameters, as for any other body: a field would be passed over without a word.
  parser.on('fieldsLimit', () =>
    refuse(formError('The form holds a field besides the file: send the file alone, and the options as query parameters.')),
  );
  try {
    await pipeline(body, parser);
  } catch (error) {
    refuse(error instanceof ProblemError ? error : formError(`The form cannot be read: ${(error as Error).message}.`));
  }
  await spooling;
  if (refusal) throw refusal;
  if (!spooling) throw formError('The form holds no file: send the CSV or .xlsx file as a file part.');
}

const formError = (message: string) => new RequestValidationError([{ field: 'file', messages: [message] }], message);
