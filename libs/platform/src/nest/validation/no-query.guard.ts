import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import { RequestValidationError } from '../../problems/platform-errors';
import { perRoute } from '../http/per-route';

/** Whether the route handler reads the query string (has a `@Query()` parameter). */
const readsQuery = perRoute((context: ExecutionContext): boolean => {
  const args: Record<string, unknown> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {};
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
});

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
