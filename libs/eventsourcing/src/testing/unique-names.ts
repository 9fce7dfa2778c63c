import { randomBytes } from 'node:crypto';

/** A name no other test run uses, so tests can share one server without touching each other. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}
