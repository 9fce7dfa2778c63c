import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { setPrincipal } from '../../context/correlation';
import { AuthenticationError, MissingRoleError } from '../../problems/platform-errors';
import { attachPrincipal, IS_PUBLIC, REQUIRED_ROLES } from './decorators';
import { hasAnyRole, type Role } from '../../auth/principal';
import { bearerToken, TokenVerifier } from '../../auth/tokens';

/** Global guard: every HTTP route needs a valid bearer token unless @Public(); @Roles() narrows it. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly tokens: TokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AuthenticationError(request.headers.authorization ? 'invalid' : 'missing');
    const principal = this.tokens.verify(token);
    attachPrincipal(request, principal);
    setPrincipal(principal);

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets) ?? [];
    if (!hasAnyRole(principal, required)) throw new MissingRoleError(required);
    return true;
  }
}
