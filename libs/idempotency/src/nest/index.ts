export { IDEMPOTENCY_STORE, IdempotencyModule, type IdempotencyOptions, type ProtectionFactory } from './idempotency.module';
export { IdempotencyInterceptor } from './idempotency.interceptor';
export { SKIP_IDEMPOTENCY, SkipIdempotency } from './skip-idempotency.decorator';
export { idempotencyConvention } from './idempotency-openapi';
