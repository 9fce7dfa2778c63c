import { RequestMethod, type INestApplication, type Type } from '@nestjs/common';
import { METHOD_METADATA, PARAMTYPES_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';

/** A handler of the application, as the router and the OpenAPI document both know it. */
export interface RouteHandler {
  readonly controller: Type;
  readonly handler: (...args: unknown[]) => unknown;
  /** `get`, `post`... as OpenAPI writes methods. */
  readonly method: string;
  /** The path as OpenAPI writes it: `/v1/contacts/{id}`. */
  readonly path: string;
  /** The handler's arguments Nest fills from the request, with the pipes and types it applies. */
  readonly params: readonly RouteParam[];
}

export interface RouteParam {
  readonly in: 'path' | 'query' | 'body' | 'header' | 'other';
  /** `@Param('id')` → `id`; undefined for a whole-object `@Query()` or `@Body()`. */
  readonly name?: string;
  /** The declared type of the argument (a DTO class, `String`, `Object`). */
  readonly type?: unknown;
  readonly pipes: readonly unknown[];
}

const LOCATIONS: Partial<Record<number, RouteParam['in']>> = {
  [RouteParamtypes.PARAM]: 'path',
  [RouteParamtypes.QUERY]: 'query',
  [RouteParamtypes.BODY]: 'body',
  [RouteParamtypes.HEADERS]: 'header',
};

const asList = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : [value ?? '']);

/** `v1/contacts` + `:id/companies/:companyId` → `/v1/contacts/{id}/companies/{companyId}`, as @nestjs/swagger writes it. */
export function openApiPath(...segments: string[]): string {
  const joined = `/${segments.filter(Boolean).join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Every route of the application's controllers, keyed `get /v1/contacts/{id}`. */
export function routeHandlers(app: INestApplication): Map<string, RouteHandler> {
  const routes = new Map<string, RouteHandler>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller?.prototype) continue;
      const prefixes = asList(Reflect.getMetadata(PATH_METADATA, controller));
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const requestMethod: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
        const paths: string | string[] | undefined = Reflect.getMetadata(PATH_METADATA, handler);
        if (requestMethod === undefined || paths === undefined) continue;
        const method = RequestMethod[requestMethod].toLowerCase();
        const params = paramsOf(controller, name);
        for (const prefix of prefixes) {
          for (const path of asList(paths)) {
            const template = openApiPath(prefix, path);
            routes.set(`${method} ${template}`, { controller, handler, method, path: template, params });
          }
        }
      }
    }
  }
  return routes;
}

function paramsOf(controller: Type, methodName: string): RouteParam[] {
  const types: unknown[] = Reflect.getMetadata(PARAMTYPES_METADATA, controller.prototype, methodName) ?? [];
  const args: Record<string, { index: number; data?: unknown; pipes?: unknown[] }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodName) ?? {};
  return Object.entries(args).map(([key, { index, data, pipes = [] }]) => ({
    in: LOCATIONS[Number(key.split(':')[0])] ?? 'other',
    name: typeof data === 'string' ? data : undefined,
    type: types[index],
    pipes,
  }));
}
