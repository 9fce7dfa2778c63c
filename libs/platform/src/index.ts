// The framework-free core every service and lib may use; the Nest HTTP platform is `@crm/platform/nest`.

// Configuration
export * from './config/config';
export * from './config/base-config';
export { parseBytes, parseDuration } from './config/units';

// Correlation and logging
export * from './context/correlation';
export * from './logging/logger';
export * from './logging/process-warnings';

// Errors as RFC 9457 problems
export * from './problems/problem';
export * from './problems/platform-errors';
export * from './problems/problem-registry';
export { findUnsafeKeys, inspectInput, MAX_INPUT_DEPTH, unsafeInputDetail, type UnsafeInput } from './validation/unsafe-keys';
export * from './validation/rfc3339';

// Authentication
export * from './auth/principal';
export { bearerToken, issueToken, TokenVerifier, type TokenOptions } from './auth/tokens';

// Metrics, HTTP helpers, tracing
export * from './metrics/metrics';
export { installGracefulShutdown, SHUTDOWN_SIGNALS, type ClosableApp, type ProcessControl } from './http/graceful-shutdown';
export { routeTemplate } from './http/route-template';
export { parseQueryString } from './http/query-string';
export { etagOf, expectedRevisionFrom } from './http/etag';
export { OPENAPI_OPAQUE_EXTENSION, OPENAPI_RULE_EXTENSION } from './http/openapi-extensions';
export { shutdownTracing, startTracing, tracingConfigured } from './telemetry/tracing';
export { now } from './clock';
