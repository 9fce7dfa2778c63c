import type { Request } from 'express';

/** What `routeTemplate` gives a request that matched no route. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Route template of the matched route (`/v1/contacts/:id`); requests that matched none share one label. */
export function routeTemplate(request: Request): string {
  const path: unknown = request.route?.path;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : UNMATCHED_ROUTE;
}
