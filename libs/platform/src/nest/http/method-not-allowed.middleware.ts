import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MethodNotAllowedError } from '../../problems/platform-errors';
import { routeHandlers } from './routes';

interface PathMethods {
  readonly pattern: RegExp;
  /** Path parameters in the template: the fewer, the more specific (`/contacts/export` over `/contacts/{id}`). */
  readonly parameters: number;
  readonly methods: Set<string>;
}

/** `/v1/contacts/{id}` → a pattern of the paths Express routes to it (case-insensitive, a trailing slash allowed). */
const patternOf = (template: string): RegExp =>
  new RegExp(
    `^${template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}/?$`,
    'i',
  );

/**
 * 405 with `Allow` for a method the path does not take, where Express would answer 404 as for a path that does not
 * exist (or route it to a template that cannot take it, `PATCH /contacts/export` to `/contacts/:id`). HEAD goes where GET does, OPTIONS is Express's own (it answers with `Allow`). The routes are read on the
 * first request, once every controller is registered.
 */
export function refuseUnknownMethods(app: INestApplication): RequestHandler {
  let table: PathMethods[] | undefined;
  const build = (): PathMethods[] => {
    const byPath = new Map<string, Set<string>>();
    for (const route of routeHandlers(app).values()) {
      const methods = byPath.get(route.path) ?? new Set<string>();
      methods.add(route.method.toUpperCase());
      if (route.method === 'get') methods.add('HEAD');
      byPath.set(route.path, methods);
    }
    return [...byPath].map(([path, methods]) => ({ pattern: patternOf(path), parameters: path.split('{').length - 1, methods }));
  };
  return (request: Request, _response: Response, next: NextFunction) => {
    if (request.method === 'OPTIONS') return next();
    table ??= build();
    // The resource a path names is its most specific template's: `PATCH /contacts/export` is no contact's update.
    // One pass, nothing allocated unless the method is refused.
    let fewest = Infinity;
    let allowed = false;
    for (const entry of table) {
      if (entry.parameters > fewest || !entry.pattern.test(request.path)) continue;
      if (entry.parameters < fewest) [fewest, allowed] = [entry.parameters, false];
      allowed ||= entry.methods.has(request.method);
    }
    if (fewest === Infinity || allowed) return next();
    const methods = new Set(
      table
        .filter((entry) => entry.parameters === fewest && entry.pattern.test(request.path))
        .flatMap((entry) => [...entry.methods]),
    );
    next(new MethodNotAllowedError(request.method, [...methods].sort()));
  };
}
