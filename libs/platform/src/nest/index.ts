// The Nest HTTP platform: one global module with authentication, validation, problem+json errors, logging,
// health, metrics and OpenAPI; and the bootstrap of a service on it.
export { CAUSATION_HEADER, CORRELATION_HEADER, correlateRequests } from './http/correlation.middleware';
export { PinoNestLogger } from './logging/nest-logger';
export { toProblem, type ProblemOutcome } from './problems/to-problem';
export { ProblemDetailsFilter } from './problems/problem.filter';
export { createValidationPipe, inputErrors } from './validation/validation.pipe';
export { fieldErrorsFrom } from './validation/validation-errors';
export { AllowUnsafeKeys, UnsafeKeysGuard } from './validation/unsafe-keys.guard';
export { NoQueryGuard } from './validation/no-query.guard';
export * from './validation/bounded';
export { Optional } from './validation/optional';
export { IsCountryCode, IsEmailAddress, isTimestamp, IsTimestamp, IsUuid, ParseIdPipe } from './validation/formats';
export {
  Access,
  CurrentPrincipal,
  IS_PUBLIC,
  Public,
  REQUIRED_ACCESS,
  REQUIRED_ROLES,
  Roles,
  type AccessLevel,
  type AccessPolicy,
} from './auth/decorators';
export { AuthGuard } from './auth/auth.guard';
export * from './health/health.registry';
export { buildOpenApiDocument, OPENAPI_JSON_PATH, OPENAPI_UI_PATH, type OpenApiOptions } from './openapi/openapi';
export {
  addHeaderParameter,
  addProblem,
  addResponseHeader,
  applyPlatformConventions,
  type ConventionOptions,
  type OpenApiConvention,
  type OpenApiOperation,
} from './openapi/conventions';
export {
  ApiJsonResponse,
  ApiProblemResponse,
  namedSchema,
  namedType,
  RESPONSE_HEADERS,
  sameShape,
  type SameShape,
  type HeaderObject,
  type JsonResponseOptions,
  type ReferenceObject,
  type SchemaObject,
} from './openapi/schemas';
export { routeHandlers, type RouteHandler, type RouteParam } from './http/routes';
export { IfMatch } from './http/if-match';
export { OPENAPI_OPAQUE_EXTENSION, OPENAPI_RULE_EXTENSION } from '../http/openapi-extensions';
export { documentValidator } from './openapi/validation-schema';
export { PLATFORM_LOGGER, PLATFORM_OPTIONS } from './http/tokens';
export * from './http/platform-options';
export { PlatformModule } from './http/platform.module';
export { configureHttpApp } from './http/configure-http-app';
export { bootstrapHttpService, createHttpService, type HttpServiceOptions } from './http/bootstrap';
export { JSON_MEDIA_TYPES } from './http/body.middleware';
