import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import { RequestValidationError } from '../../problems/platform-errors';

/** Whether each route handler reads the query string, worked out on its first request. */
const readsQueryByHandler = new WeakMap<object, boolean>();

/** Whether the route handler reads the query string (has a `@Query()` parameter). */
function readsQuery(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  let reads = readsQueryByHandler.get(handler);
  if (reads === undefined) {
    const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
    reads = Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
    readsQueryByHandler.set(handler, reads);
  }
  return reads;
}

/**
 * Global guard: a route that takes no query parameters answers a request that sends some with a 400 naming
 * them, as a DTO would for an unknown field. A typo (`?asof=` for `?asOf=`) must not be silently ignored.
 */
@Injectable()
export class NoQueryGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || readsQuery(context)) return true;
    const names = Object.keys(context.switchToHttp().getRequest<Request>().query ?? {});
    if (names.length > 0) {
      throw new RequestValidationError(
        names.map((field) => ({ field, messages: ['is not a parameter of this route: it takes none'], in: 'query' as const })),
        'This route takes no query parameters.',
      );
    }
    return true;
  }
}
