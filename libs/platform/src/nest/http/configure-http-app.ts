import type { NestExpressApplication } from '@nestjs/platform-express';
import { correlateRequests } from './correlation.middleware';
import { PinoNestLogger } from '../logging/nest-logger';
import { parseQueryString } from '../../http/query-string';
import { enableDefaultMetrics } from '../../metrics/metrics';
import { setupOpenApi } from '../openapi/openapi';
import { bodyParserErrors, JSON_MEDIA_TYPES, requireJsonBody } from './body.middleware';
import { answerClientErrors } from './client-errors';
import { refuseUnknownMethods } from './method-not-allowed.middleware';
import { observeRequests, RequestObserver } from './observe-requests.middleware';
import { DEFAULT_BODY_LIMIT_BYTES, type PlatformOptions } from './platform-options';
import { PLATFORM_OPTIONS } from './tokens';

const configured = new WeakSet<object>();

/**
 * The HTTP pipeline in front of Nest's router, in order: correlation context, request log and
 * metrics, 405 for a method a path does not take, 415 for non-JSON bodies, the JSON parser with its size limit (413), body errors as
 * problems; then the OpenAPI endpoints. Call before `app.init()`/`listen()`; bootstrap and tests
 * both go through here.
 */
export function configureHttpApp(app: NestExpressApplication): NestExpressApplication {
  if (configured.has(app)) return app;
  configured.add(app);
  const options = app.get<PlatformOptions>(PLATFORM_OPTIONS);
  const bodyLimit = options.http?.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;

  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs();
  enableDefaultMetrics();

  app.disable('x-powered-by');
  answerClientErrors(app.getHttpServer());
  // An ETag is the aggregate's revision, set by the handler (etagOf); Express would tag every other body with a weak hash.
  app.set('etag', false);
  // Nested query parameters (`filter[stage]=won`) for filter DTOs; qs caps depth, arrays and parameter count. Express's
  // own "extended" parser, except that `__proto__` keys are kept for UnsafeKeysGuard to refuse, not silently dropped.
  app.set('query parser', parseQueryString);
  app.use(correlateRequests);
  app.use(observeRequests(app.get(RequestObserver).log));
  app.use(refuseUnknownMethods(app));
  app.use(requireJsonBody(options.http?.extraMediaTypes));
  app.useBodyParser('json', { limit: bodyLimit, type: JSON_MEDIA_TYPES });
  app.use(bodyParserErrors(bodyLimit));

  if (options.openApi !== false) {
    setupOpenApi(app, { title: `${options.serviceName} API`, ...options.openApi }, options.access);
  }
  return app;
}
