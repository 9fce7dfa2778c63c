export { createPool } from './pool';
export { qualifiedTable, runMigration } from './migration';
export { PostgresNotificationWatcher } from './notification-watcher';
export { PostgresTableStore } from './table-store';
export { isTransientFailure } from './transient-failure';
export { statementName } from './statement-name';
