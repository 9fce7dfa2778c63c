import { createHash } from 'node:crypto';

/** PostgreSQL keeps the first 63 bytes of a prepared statement's name (NAMEDATALEN - 1). */
const MAX_NAME_BYTES = 63;

/**
 * A prepared statement's name for `purpose` on `table`: `<purpose>:<table>`, or, when that is longer than PostgreSQL
 * keeps, `<purpose>:<hash of the table>`. A cut name would warn on every use, and two tables whose names differ only
 * past the cut would share a name on one connection, where the second statement then fails.
 */
export function statementName(purpose: string, table: string): string {
  const name = `${purpose}:${table}`;
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return name;
  const hash = createHash('sha256').update(table).digest('base64url');
  return `${purpose}:${hash}`.slice(0, MAX_NAME_BYTES);
}
