// Configuration
export * from './config/config';
export * from './config/base-config';
export { parseBytes, parseDuration } from './config/units';

// Correlation and logging
export * from './context/correlation';
export { CAUSATION_HEADER, CORRELATION_HEADER, correlateRequests } from './context/correlation.middleware';
export * from './logging/logger';
export { PinoNestLogger } from './logging/nest-logger';

// Errors as RFC 9457 problems
export * from './problems/problem';
export * from './problems/platform-errors';
export * from './problems/problem-registry';
export { toProblem, type ProblemOutcome } from './problems/to-problem';
export { ProblemDetailsFilter } from './problems/problem.filter';

// Input validation
export { createValidationPipe } from './validation/validation.pipe';
export { fieldErrorsFrom } from './validation/validation-errors';
export { findUnsafeKeys, MAX_INPUT_DEPTH } from './validation/unsafe-keys';
export { AllowUnsafeKeys, UnsafeKeysGuard } from './validation/unsafe-keys.guard';
export { NoQueryGuard } from './validation/no-query.guard';
export * from './validation/bounded';

// Authentication
export * from './auth/principal';
export { bearerToken, issueToken, TokenVerifier, type TokenOptions } from './auth/tokens';
export { CurrentPrincipal, IS_PUBLIC, Public, REQUIRED_ROLES, Roles } from './auth/decorators';
export { AuthGuard } from './auth/auth.guard';

// Health, metrics, OpenAPI
export * from './health/health.registry';
export * from './metrics/metrics';
export {
  ApiProblemResponse,
  applyPlatformConventions,
  OPENAPI_JSON_PATH,
  OPENAPI_UI_PATH,
  type OpenApiOptions,
} from './openapi/openapi';

// HTTP service
export { PLATFORM_LOGGER, PLATFORM_OPTIONS } from './http/tokens';
export * from './http/platform-options';
export { PlatformModule } from './http/platform.module';
export { configureHttpApp } from './http/configure-http-app';
export { bootstrapHttpService, createHttpService, type HttpServiceOptions } from './http/bootstrap';
export { installGracefulShutdown, SHUTDOWN_SIGNALS, type ClosableApp, type ProcessControl } from './http/graceful-shutdown';
export { JSON_MEDIA_TYPES } from './http/body.middleware';
export { routeTemplate } from './http/observe-requests.middleware';
export { etagOf, expectedRevisionFrom } from './http/etag';

// Idempotency-Key on POST
export {
  IDEMPOTENCY_STORE,
  IdempotencyModule,
  type IdempotencyOptions,
  type ProtectionFactory,
} from './idempotency/idempotency.module';
export { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
export { SKIP_IDEMPOTENCY, SkipIdempotency } from './idempotency/skip-idempotency.decorator';
export * from './idempotency/idempotency-store';
export { InMemoryIdempotencyStore } from './idempotency/in-memory-idempotency-store';
export { PostgresIdempotencyStore } from './idempotency/postgres-idempotency-store';
export {
  IdempotentRequests,
  isRetryableStatus,
  type IdempotencySettings,
  type ResponseProtection,
} from './idempotency/idempotent-requests';
export * from './idempotency/idempotency-problems';
export {
  canonicalJson,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyKeyFrom,
  requestFingerprint,
} from './idempotency/idempotency-key';
export { shutdownTracing, startTracing, tracingConfigured } from './telemetry/tracing';
