/**
 * Whether a failure is of the infrastructure (a database, the key store or the broker out of reach) rather
 * than of the event: such a failure passes once the server is back, so a consumer waits for it instead of
 * dead-lettering the event. Judged by the error and its causes, by the codes and names the drivers use.
 */
export function isTransientFailure(error: unknown): boolean {
  return causesOf(error).some(
    ({ code, name, message, retriable }) =>
      (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || isTransientSqlState(code))) ||
      (typeof name === 'string' && (TRANSIENT_ERROR_NAMES.has(name) || (name.startsWith('KafkaJS') && retriable === true))) ||
      (typeof message === 'string' && PG_CONNECTION_LOST.test(message)),
  );
}

interface ErrorFields {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  retriable?: unknown;
}

/** Node's socket and DNS errors. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** MongoDB driver and kafkajs errors that mean the server could not be reached or answered too late. */
const TRANSIENT_ERROR_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
]);

/** node-postgres, when the server goes away under an open connection. */
const PG_CONNECTION_LOST = /^Connection terminated/;

/** PostgreSQL: connection exceptions (class 08), shutting down or starting up (57P01–03), too many connections. */
function isTransientSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** The error, its `cause` chain and the errors of an AggregateError (a refused connection to each address of a host). */
function causesOf(error: unknown, depth = 0): ErrorFields[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const fields = error as ErrorFields & { cause?: unknown; errors?: unknown };
  const nested = Array.isArray(fields.errors) ? fields.errors : [];
  return [fields, ...causesOf(fields.cause, depth + 1), ...nested.flatMap((inner) => causesOf(inner, depth + 1))];
}
