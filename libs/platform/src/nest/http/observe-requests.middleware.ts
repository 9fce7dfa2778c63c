import { AsyncResource } from 'node:async_hooks';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { httpMetrics } from '../../metrics/metrics';
import { RequestLog } from '../../http/request-log';
import { routeTemplate } from '../../http/route-template';
import { PLATFORM_LOGGER } from './tokens';

/** The application's request log, with its summary line every minute while the application runs. */
@Injectable()
export class RequestObserver implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly log: RequestLog;

  constructor(@Inject(PLATFORM_LOGGER) logger: Logger) {
    this.log = new RequestLog(logger);
  }

  onApplicationBootstrap(): void {
    this.log.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.log.stop();
  }
}

/**
 * Express middleware: one log record and one metric sample per request, when the response ends (RequestLog decides
 * the level). Records method, path, status and duration; never bodies, query strings or headers.
 */
export function observeRequests(log: RequestLog): RequestHandler {
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
      log.record({
        method: request.method,
        path: request.originalUrl.split('?')[0],
        route,
        status: response.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        ...(!response.writableFinished && { aborted: true }),
      });
    });
    response.once('close', finished);
    next();
  };
}
