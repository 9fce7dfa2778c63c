// CSV import and export for any service: the file (spooled, checked as a whole), columns resolved against the kinds a
// service declares, the job store, queue and runner, and the export side (cells, tables). README.md walks through
// adding imports to a service; `@crm/csv/nest` is the HTTP side, `@crm/csv/cli` the import command.
export { escapeCell, unescapeCell } from './cells';
export { countryCodeOf, readCountryCell } from './countries';
export { readExternalIdCell } from './external-ids';
export {
  defineImportKinds,
  headerKey,
  IGNORE,
  ImportKinds,
  LIST_SEPARATOR,
  listItems,
  valuesByField,
  type Column,
  type ColumnFamily,
  type ColumnMapping,
  type FieldDeclaration,
  type ImportKindDeclaration,
} from './columns';
export { IMPORT_MEDIA_TYPES, importConfigSpec, importSettingsOf, type ImportConfigSpec, type ImportSettings } from './config';
export {
  checkCsvFile,
  CSV_DELIMITERS,
  csvRecords,
  MAX_COLUMNS,
  MAX_RECORD_CHARACTERS,
  spoolBody,
  type CsvDelimiter,
  type CsvRecord,
} from './csv-file';
export { jsonArray } from './json-array';
export {
  ImportJobStore,
  NO_COUNTS,
  type ImportCounts,
  type ImportJob,
  type ImportJobView,
  type ImportStatus,
  type RowError,
} from './job-store';
export { ImportColumnsError, ImportJobNotFound, ImportsBusyError, InvalidCsvError, TooManyRowsError } from './problems';
export {
  ABANDONED_AFTER_MS,
  ABANDONED_REASON,
  ImportQueue,
  MAX_WAITING_IMPORTS,
  type ImportQueueDeps,
  type ImportRequest,
} from './queue';
export {
  InvalidRowError,
  isUuid,
  mergeByField,
  retryOnConflict,
  rowFailure,
  withColumns,
  withoutUndefined,
  type RowFieldError,
  type ImportOptions,
  type RowImporter,
  type RowOutcome,
  type RowResult,
  type RowValues,
} from './rows';
export { MAX_KEPT_ROW_ERRORS, runImport, type ProblemOf, type RunOptions } from './runner';
export { exportCell, listMatches, withoutPages, type TableExport } from './table-export';
