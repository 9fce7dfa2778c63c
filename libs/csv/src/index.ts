// CSV import and export for any service: the file (spooled, checked as a whole), columns resolved against the kinds a
// service declares, the job store, queue and runner, and the export side (cells, tables). README.md walks through
// adding imports to a service; `@crm/csv/nest` is the HTTP side, `@crm/csv/cli` the import command.
export { escapeCell, unescapeCell } from './cells';
export { countryCodeOf, readCountryCell } from './countries';
export { withDateOrders } from './date-columns';
export { DATE_ORDERS, DateOrderEvidence, fullYear, readDateCell, readDateCells, type DateOrder, type DateRead } from './dates';
export { isPlaceholderCell } from './placeholders';
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
  type ColumnConfidence,
  type ColumnFamily,
  type ColumnMapping,
  type FieldDeclaration,
  type ImportKindDeclaration,
  type PresetColumns,
  type ValueMapping,
  type ValueMappings,
} from './columns';
export { defineImportPresets, ImportPresets, type ImportPresetDeclaration } from './presets';
export {
  IMPORT_MEDIA_TYPES,
  importConfigSpec,
  importSettingsOf,
  ownersOf,
  type ImportConfigSpec,
  type ImportSettings,
} from './config';
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
export { bomEncoding, CharsetSniffer, DECLARABLE_CHARSETS, encodingOf, utf8From } from './encoding';
export { jsonArray } from './json-array';
export {
  ImportJobStore,
  NO_COUNTS,
  type ImportCounts,
  type ImportJob,
  type ImportJobView,
  type ImportStatus,
  type RowError,
  type RowSeverity,
} from './job-store';
export {
  ImportColumnsError,
  ImportJobNotFound,
  ImportsBusyError,
  InvalidCsvError,
  InvalidWorkbookError,
  TooManyRowsError,
  WorkbookTooLargeError,
} from './problems';
export {
  ABANDONED_AFTER_MS,
  ABANDONED_REASON,
  ImportQueue,
  MAX_WAITING_IMPORTS,
  type ImportQueueDeps,
  type ImportRequest,
} from './queue';
export {
  MAX_PREVIEW_ROWS,
  PREVIEW_ROWS,
  previewFile,
  samplesOf,
  type ImportPreview,
  type PreviewColumn,
  type PreviewRequest,
  type PreviewRow,
} from './preview';
export {
  importSkippingInvalidCells,
  InvalidRowError,
  isUuid,
  ON_INVALID_CELL,
  mergeByField,
  retryOnConflict,
  rowFailure,
  withColumns,
  withoutUndefined,
  type RowFieldError,
  type ImportedRow,
  type ImportOptions,
  type OnInvalidCell,
  type RowImporter,
  type RowOutcome,
  type RowPlan,
  type RowResult,
  type RowValues,
} from './rows';
export { MAX_KEPT_ROW_ERRORS, rowError, runImport, type ProblemOf, type RunOptions } from './runner';
export { exportCell, inMemoryItems, listMatches, withoutPages, type TableExport } from './table-export';
export { partFormatOf, spoolUpload, uploadFormatOf, XLSX_MEDIA_TYPE, type UploadFormat, type UploadLimits } from './upload';
export { convertWorkbook, type WorkbookLimits } from './xlsx';
