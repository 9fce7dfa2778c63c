// The HTTP side of CSV import and export: a service's imports routes and job queue (csvImports), and the streaming of
// its export routes (sendTableExport).
export { csvImports, type CsvImportsDefinition, type ImportsOptions } from './csv-imports';
export { ImportJobs } from './import-jobs';
export { ApiTableExport, sendTableExport } from './table-export';
