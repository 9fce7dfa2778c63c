import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { throwError } from 'rxjs';
import { currentCorrelation } from '../../context/correlation';
import { PLATFORM_LOGGER } from '../http/tokens';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from '../../problems/problem';
import { ProblemRegistry } from '../../problems/problem-registry';
import { toProblem } from './to-problem';

/** The global exception filter: every error leaves as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    @Inject(ProblemRegistry) private readonly registry: ProblemRegistry,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    // Message handlers (Kafka transport) decide themselves: retry, then dead-letter.
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { problem, unexpected } = toProblem(exception, { ifMatch: request.headers['if-match'] !== undefined }, this.registry);

    if (unexpected) this.logger.error({ err: exception, method: request.method, path: request.path }, 'request failed');
    if (response.headersSent) {
      // A streamed response failed half-way: the status is gone, all we can do is cut it short.
      response.destroy();
      return undefined;
    }
    const correlationId = currentCorrelation()?.correlationId ?? headerValue(response.getHeader('x-correlation-id'));
    const body: ProblemDetails = {
      ...problem.extensions,
      type: problemType(problem.type),
      title: problem.title,
      status: problem.status,
      ...(problem.detail !== undefined && { detail: problem.detail }),
      instance: request.originalUrl.split('?')[0],
      ...(correlationId !== undefined && { correlationId }),
      ...(problem.errors !== undefined && { errors: problem.errors }),
    };
    for (const [name, value] of Object.entries(problem.headers ?? {})) response.setHeader(name, value);
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
    return undefined;
  }
}

const headerValue = (value: number | string | string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;
