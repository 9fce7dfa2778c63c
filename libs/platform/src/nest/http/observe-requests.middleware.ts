import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { captureCorrelation, type CapturedCorrelation } from '../../context/correlation';
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

/** What the middleware keeps on a response until it closes. */
interface Observed {
  readonly started: bigint;
  readonly context: CapturedCorrelation | undefined;
}
const OBSERVED = Symbol('observed request');
type ObservedResponse = Response & { [OBSERVED]?: Observed };

/**
 * Express middleware: one log record and one metric sample per request, when the response ends (RequestLog decides
 * the level). Records method, path, status and duration; never bodies, query strings or headers. Per request it only
 * notes the start and the context: the listener is shared, and the metrics' label sets are resolved once each.
 */
export function observeRequests(log: RequestLog): RequestHandler {
  const requests = httpMetrics.requests();
  const duration = httpMetrics.duration();
  // One entry per method, route template and status: as bounded as the metrics' series themselves.
  const series = new Map<string, { requests: { inc(): void }; duration: { observe(seconds: number): void } }>();
  const seriesOf = (method: string, route: string, status: string) => {
    const key = `${method} ${status} ${route}`;
    let found = series.get(key);
    if (found === undefined) {
      const labels = { method, route, status };
      found = { requests: requests.labels(labels), duration: duration.labels(labels) };
      series.set(key, found);
    }
    return found;
  };
  function finished(this: ObservedResponse): void {
    const observed = this[OBSERVED];
    if (observed === undefined) return;
    this[OBSERVED] = undefined;
    const request = this.req;
    const seconds = Number(process.hrtime.bigint() - observed.started) / 1e9;
    const route = routeTemplate(request);
    const metrics = seriesOf(request.method, route, String(this.statusCode));
    metrics.requests.inc();
    metrics.duration.observe(seconds);
    const url = request.originalUrl;
    const query = url.indexOf('?');
    log.record(
      {
        method: request.method,
        path: query === -1 ? url : url.slice(0, query),
        route,
        status: this.statusCode,
        durationMs: Math.round(seconds * 1e4) / 10,
        ...(!this.writableFinished && { aborted: true }),
      },
      // The request's context, so the log line carries its correlation id and actor.
      observed.context,
    );
  }
  return (_request: Request, response: ObservedResponse, next: NextFunction) => {
    response[OBSERVED] = { started: process.hrtime.bigint(), context: captureCorrelation() };
    response.once('close', finished);
    next();
  };
}
