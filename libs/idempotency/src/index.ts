// `Idempotency-Key` on POST: a retry returns the first result. Nest wiring under nest/.
export * from './idempotency-store';
export { InMemoryIdempotencyStore } from './in-memory-idempotency-store';
export { PostgresIdempotencyStore } from './postgres-idempotency-store';
export { IdempotentRequests, isRetryableStatus, type IdempotencySettings, type ResponseProtection } from './idempotent-requests';
export * from './idempotency-problems';
export {
  canonicalJson,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyKeyFrom,
  requestFingerprint,
} from './idempotency-key';
