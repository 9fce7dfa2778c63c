import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { setPrincipal } from '../../context/correlation';
import { AuthenticationError, MissingRoleError } from '../../problems/platform-errors';
import { attachPrincipal, IS_PUBLIC, REQUIRED_ACCESS, REQUIRED_ROLES, type AccessLevel } from './decorators';
import { PLATFORM_OPTIONS } from '../http/tokens';
import { perRoute } from '../http/per-route';
import type { PlatformOptions } from '../http/platform-options';
import { hasAnyRole, type Role } from '../../auth/principal';
import { bearerToken, TokenVerifier } from '../../auth/tokens';

/** Global guard: every HTTP route needs a valid bearer token unless @Public(); @Roles() or @Access() narrows it. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly tokens: TokenVerifier,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
  ) {}

  // Per route, read on its first request: whether it is public, and the roles it requires (after authentication, so
  // that a route misconfigured without an access policy still answers 401 to a request with no token).
  private readonly isPublic = perRoute((context) =>
    Boolean(this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])),
  );
  private readonly rolesOf = perRoute((context) => this.requiredRoles([context.getHandler(), context.getClass()]));

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.isPublic(context)) return true;

    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AuthenticationError(request.headers.authorization ? 'invalid' : 'missing');
    const principal = this.tokens.verify(token);
    attachPrincipal(request, principal);
    setPrincipal(principal);

    const required = this.rolesOf(context);
    if (!hasAnyRole(principal, required)) throw new MissingRoleError(required);
    return true;
  }

  /** The roles a route names, else those the access policy gives its level; none: any authenticated caller. */
  private requiredRoles(targets: Parameters<Reflector['getAllAndOverride']>[1]): readonly Role[] {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles) return roles;
    const level = this.reflector.getAllAndOverride<AccessLevel | undefined>(REQUIRED_ACCESS, targets);
    if (!level) return [];
    const policy = this.options.access;
    if (!policy) throw new Error(`A route requires ${level} access, but the service has no access policy`);
    return policy[level];
  }
}
