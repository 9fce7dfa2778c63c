import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal, Role } from '../../auth/principal';

export const IS_PUBLIC = 'crm:public';
export const REQUIRED_ROLES = 'crm:roles';
export const REQUIRED_ACCESS = 'crm:access';

/** OpenAPI vendor extensions the document post-processing reads (see openapi/openapi.ts). */
export const OPENAPI_PUBLIC_EXTENSION = 'x-crm-public';
export const OPENAPI_ROLES_EXTENSION = 'x-crm-roles';
export const OPENAPI_ACCESS_EXTENSION = 'x-crm-access';

/** No token needed (health, metrics, docs). Everything else requires one. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(OPENAPI_PUBLIC_EXTENSION, true));

/** The caller needs one of these roles; admin passes every check. On a controller or a handler (handler wins). */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(REQUIRED_ROLES, roles), ApiExtension(OPENAPI_ROLES_EXTENSION, roles));

/** What a service lets whom do: the roles that may read, and those that may write (PlatformOptions.access). */
export type AccessLevel = 'read' | 'write';
export type AccessPolicy = Readonly<Record<AccessLevel, readonly Role[]>>;

/**
 * The caller needs a role the service's access policy gives for this level (its readers, or its writers), so that
 * each service says once who its readers and writers are. `@Roles(...)` on a handler wins over it.
 */
export const Access = (level: AccessLevel) =>
  applyDecorators(SetMetadata(REQUIRED_ACCESS, level), ApiExtension(OPENAPI_ACCESS_EXTENSION, level));

const principals = new WeakMap<object, Principal>();

/** @internal set by the auth guard */
export function attachPrincipal(request: Request, principal: Principal): void {
  principals.set(request, principal);
}

/** Handler parameter: the authenticated caller (undefined on public routes). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal | undefined =>
  principals.get(context.switchToHttp().getRequest<Request>()),
);
