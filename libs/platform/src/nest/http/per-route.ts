import type { ExecutionContext } from '@nestjs/common';

/**
 * What a guard reads from a route's metadata, worked out on the route's first request: the metadata does not change
 * once the application runs, and reading it (reflect-metadata walks prototype chains) is not free per request. Keyed
 * by controller and handler, as a handler a controller inherits may carry another class's metadata.
 */
export function perRoute<T>(compute: (context: ExecutionContext) => T): (context: ExecutionContext) => T {
  const byController = new WeakMap<object, WeakMap<object, T>>();
  return (context) => {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = byController.get(controller);
    if (byHandler === undefined) byController.set(controller, (byHandler = new WeakMap()));
    if (byHandler.has(handler)) return byHandler.get(handler) as T;
    const value = compute(context);
    byHandler.set(handler, value);
    return value;
  };
}
