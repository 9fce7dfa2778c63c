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
    const matching = table.filter(({ pattern }) => pattern.test(request.path));
    // The resource a path names is its most specific template's: `PATCH /contacts/export` is no contact's update.
    const fewest = Math.min(...matching.map(({ parameters }) => parameters));
    const allowed = new Set(matching.filter(({ parameters }) => parameters === fewest).flatMap(({ methods }) => [...methods]));
    if (allowed.size === 0 || allowed.has(request.method)) return next();
    next(new MethodNotAllowedError(request.method, [...allowed].sort()));
  };
}
