import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { RESPONSE_PASSTHROUGH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { finalize, from, mergeMap, of, type Observable } from 'rxjs';
import { currentPrincipal, routeTemplate } from '@crm/platform';
import { PLATFORM_LOGGER } from '@crm/platform/nest';
import { IDEMPOTENT_REPLAYED_HEADER, idempotencyKeyFrom, requestFingerprint } from '../idempotency-key';
import type { IdempotencyScope, StoredResponse } from '../idempotency-store';
import { IdempotentRequests, type Outcome } from '../idempotent-requests';
import { recordResponse } from './response-recorder';
import { SKIP_IDEMPOTENCY } from './skip-idempotency.decorator';

/** Injection token of the largest response body kept for replay, in bytes. */
export const IDEMPOTENCY_MAX_RESPONSE_BYTES = Symbol('crm:idempotency-max-response-bytes');

/**
 * `Idempotency-Key` on every POST (unless @SkipIdempotency()), registered globally by IdempotencyModule. Runs
 * after the guards, so the key is scoped by the authenticated caller; requests without one (public routes) pass
 * through. The first request's response is recorded as it is written, after the exception filter when it
 * failed, so a replay is byte for byte what the first client got; the response ends once it is stored.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    @Inject(IdempotentRequests) private readonly requests: IdempotentRequests,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    @Inject(IDEMPOTENCY_MAX_RESPONSE_BYTES) private readonly maxResponseBytes: number,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    if (request.method !== 'POST') return next.handle();
    if (this.reflector.getAllAndOverride<boolean>(SKIP_IDEMPOTENCY, [context.getHandler(), context.getClass()])) {
      return next.handle();
    }
    const key = idempotencyKeyFrom(request.headers['idempotency-key']);
    const principal = currentPrincipal();
    if (key === undefined || principal === undefined) return next.handle();
    const scope: IdempotencyScope = { principal: principal.sub, endpoint: `POST ${routeTemplate(request)}`, key };
    const ifMatch = request.headers['if-match'];
    const fingerprint = requestFingerprint({ method: request.method, url: request.originalUrl, body: request.body, ifMatch });
    const response = context.switchToHttp().getResponse<Response>();
    return from(this.requests.admit(scope, fingerprint)).pipe(
      mergeMap((admission) =>
        admission.run
          ? this.runFirst(scope, admission.token, request, response, next)
          : this.replay(response, admission.response, writesOwnResponse(context)),
      ),
    );
  }

  /** Resolves once every response being stored is stored (shutdown waits for it before closing the pool). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private runFirst(scope: IdempotencyScope, token: string, request: Request, response: Response, next: CallHandler) {
    let ended = false;
    let settled = false;
    let closed = false;
    recordResponse(response, this.maxResponseBytes, (recorded) => {
      ended = true;
      return this.track(scope, this.requests.finish(scope, token, { ...recorded, path: request.originalUrl.split('?')[0] }));
    });
    // Cut off before anything ended it (a stream failed half-way): nothing to replay, a retry runs again. Waits for
    // the handler and then a turn of the event loop, since the exception filter may still end the response.
    const releaseIfNeverEnded = () =>
      setImmediate(() => {
        if (ended) return;
        ended = true;
        void this.track(
          scope,
          this.requests.release(scope, token).then((): Outcome => 'released'),
        );
      });
    response.once('close', () => {
      closed = true;
      if (settled) releaseIfNeverEnded();
    });
    return next.handle().pipe(
      finalize(() => {
        settled = true;
        if (closed) releaseIfNeverEnded();
      }),
    );
  }

  private replay(response: Response, stored: Omit<StoredResponse, 'subject'>, writesOwnResponse: boolean): Observable<unknown> {
    response.status(stored.status);
    for (const [name, value] of Object.entries(stored.headers)) response.setHeader(name, value);
    response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    const body = stored.body === '' ? undefined : stored.body;
    // Nest sends what an interceptor returns, unless the handler takes @Res() itself: then nobody would.
    if (!writesOwnResponse) return of(body);
    response.send(body);
    return of(undefined);
  }

  /** Never rejects: a failure to store is logged (the key was released, or its lease will pass). */
  private track(scope: IdempotencyScope, outcome: Promise<Outcome>): Promise<void> {
    const tracked: Promise<void> = outcome
      .then((result) => {
        if (result === 'lost')
          this.logger.warn({ endpoint: scope.endpoint }, 'idempotency claim was taken over before the response was stored');
      })
      .catch((error: unknown) =>
        this.logger.error({ err: error, endpoint: scope.endpoint }, 'could not store the idempotent response'),
      )
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return tracked;
  }
}

/** Whether the handler takes the response with @Res() or @Next() and no passthrough (Nest then sends nothing). */
function writesOwnResponse(context: ExecutionContext): boolean {
  const controller = context.getClass();
  const method = context.getHandler().name;
  const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
  const takesResponse = Object.keys(args).some((key) => {
    const type = Number(key.split(':')[0]);
    return type === RouteParamtypes.RESPONSE || type === RouteParamtypes.NEXT;
  });
  return takesResponse && !Reflect.getMetadata(RESPONSE_PASSTHROUGH_METADATA, controller, method);
}
