import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RequestValidationError } from '../../problems/platform-errors';
import { findUnsafeKeys } from '../../validation/unsafe-keys';

const ALLOWS_UNSAFE_KEYS = 'crm:allows-unsafe-keys';

/**
 * Opts a route out of the operator-key check, for free-form maps whose keys may contain "." or
 * start with "$". Such input must never reach a database filter or update as keys.
 */
export const AllowUnsafeKeys = () => SetMetadata(ALLOWS_UNSAFE_KEYS, true);

/** Global guard (after authentication): 400 problem listing every body or query key that looks like an operator. */
@Injectable()
export class UnsafeKeysGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(ALLOWS_UNSAFE_KEYS, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const unsafe = [...findUnsafeKeys(request.body, 'body'), ...findUnsafeKeys(request.query, 'query')];
    if (unsafe.length > 0) {
      throw new RequestValidationError(unsafe, 'Keys that look like database operators or paths are not allowed.');
    }
    return true;
  }
}
