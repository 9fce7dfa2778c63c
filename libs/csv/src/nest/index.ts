// The HTTP side of CSV import and export: a service's imports routes and job queue (csvImports), and its export
// routes (tableExportController, or sendTableExport in a controller of its own).
export { csvImports, type CsvImportsDefinition, type ImportsOptions } from './csv-imports';
export { ImportJobs } from './import-jobs';
export { ApiTableExport, sendTableExport, tableExportController, type TableExportRoute } from './table-export';
