import { AsyncResource } from 'node:async_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { httpMetrics } from '../../metrics/metrics';
import { routeTemplate } from '../../http/route-template';

/** Probes and scrapes run every few seconds: their request lines are debug, not info. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Express middleware: one log line and one metric sample per request, when the response ends.
 * Logs method, path, status and duration; never bodies, query strings or headers.
 */
export function observeRequests(logger: Logger): RequestHandler {
  const requests = httpMetrics.requests();
  const duration = httpMetrics.duration();
  return (request: Request, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    // Bound to the request's context, so the log line carries its correlation id and actor.
    const finished = AsyncResource.bind(() => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(request);
      const labels = { method: request.method, route, status: String(response.statusCode) };
      requests.inc(labels);
      duration.observe(labels, seconds);
      const line = {
        method: request.method,
        path: request.originalUrl.split('?')[0],
        route,
        status: response.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        ...(!response.writableFinished && { aborted: true }),
      };
      if (response.statusCode >= 500) logger.error(line, 'request completed');
      else if (QUIET_ROUTES.has(route)) logger.debug(line, 'request completed');
      else logger.info(line, 'request completed');
    });
    response.once('close', finished);
    next();
  };
}
