import { ProblemError, type FieldError } from '@crm/platform';

/** A file that is not CSV we can read: refused as a whole, nothing imported. */
export class InvalidCsvError extends ProblemError {
  override name = 'InvalidCsvError';
  constructor(detail: string, line?: number) {
    super({
      status: 400,
      type: 'invalid-csv',
      title: 'The file is not valid CSV',
      detail,
      ...(line !== undefined && { extensions: { line } }),
    });
  }
}

/** The header does not fit the import: columns that fill no field, two for one field, mapping entries for none. */
export class ImportColumnsError extends ProblemError {
  override name = 'ImportColumnsError';
  constructor(errors: readonly FieldError[]) {
    super({
      status: 400,
      type: 'import-columns',
      title: 'The file’s columns do not fit the import',
      detail: `${errors.length} ${errors.length === 1 ? 'problem' : 'problems'} with the columns; see errors.`,
      errors,
    });
  }
}

export class TooManyRowsError extends ProblemError {
  override name = 'TooManyRowsError';
  constructor(readonly maxRows: number) {
    super({
      status: 413,
      type: 'payload-too-large',
      title: 'The request body is too large',
      detail: `An import takes at most ${maxRows} rows; split the file.`,
    });
  }
}

export class ImportJobNotFound extends ProblemError {
  override name = 'ImportJobNotFound';
  constructor(jobId: string) {
    super({ status: 404, type: 'import-job-not-found', title: 'Import job not found', detail: `No import job ${jobId}.` });
  }
}

/** This instance holds as many waiting imports as it takes (their files are on its disk). */
export class ImportsBusyError extends ProblemError {
  override name = 'ImportsBusyError';
  constructor(waiting: number) {
    super({
      status: 429,
      type: 'imports-busy',
      title: 'Too many imports are waiting',
      detail: `${waiting} imports are waiting on this instance; send the file again later.`,
      headers: { 'Retry-After': '30' },
    });
  }
}

/** An .xlsx file that cannot be read (not a zip, cut short, a worksheet too wide): refused as a whole. */
export class InvalidWorkbookError extends ProblemError {
  override name = 'InvalidWorkbookError';
  constructor(detail: string) {
    super({ status: 400, type: 'invalid-workbook', title: 'The file is not a readable .xlsx workbook', detail });
  }
}

/** A workbook small as a file that unpacks, or converts, to more than an import takes (a zip bomb, or a huge sheet). */
export class WorkbookTooLargeError extends ProblemError {
  override name = 'WorkbookTooLargeError';
  constructor(maxBytes: number, what: 'unpacks to' | 'converts to' = 'converts to') {
    super({
      status: 413,
      type: 'payload-too-large',
      title: 'The request body is too large',
      detail: `The workbook ${what} more than ${maxBytes} bytes; an import takes at most that. Split it, or save its first sheet as CSV.`,
    });
  }
}
