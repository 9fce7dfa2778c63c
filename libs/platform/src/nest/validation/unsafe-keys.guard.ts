import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RequestValidationError } from '../../problems/platform-errors';
import { perRoute } from '../http/per-route';
import { inspectInput, unsafeInputDetail, type UnsafeInput } from '../../validation/unsafe-keys';

const ALLOWS_UNSAFE_KEYS = 'crm:allows-unsafe-keys';

/**
 * Opts a route out of the operator-key check, for free-form maps whose keys may contain "." or
 * start with "$". Such input must never reach a database filter or update as keys. Depth and text are still checked.
 */
export const AllowUnsafeKeys = () => SetMetadata(ALLOWS_UNSAFE_KEYS, true);

const isClean = (found: UnsafeInput) => found.keys.length + found.depth.length + found.text.length === 0;

/**
 * Global guard (after authentication): 400 problem listing every body or query key that looks like an operator,
 * input nested too deep, and text that cannot be stored (NUL, unpaired surrogates).
 */
@Injectable()
export class UnsafeKeysGuard implements CanActivate {
  private readonly allowsUnsafeKeys = perRoute((context) =>
    Boolean(this.reflector.getAllAndOverride<boolean>(ALLOWS_UNSAFE_KEYS, [context.getHandler(), context.getClass()])),
  );

  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const allowsKeys = this.allowsUnsafeKeys(context);
    const request = context.switchToHttp().getRequest<Request>();
    const [body, query] = [inspectInput(request.body, 'body'), inspectInput(request.query, 'query')];
    if (isClean(body) && isClean(query)) return true;
    const found: UnsafeInput = {
      keys: allowsKeys ? [] : [...body.keys, ...query.keys],
      depth: [...body.depth, ...query.depth],
      text: [...body.text, ...query.text],
    };
    const errors = [...found.keys, ...found.depth, ...found.text];
    if (errors.length > 0) throw new RequestValidationError(errors, unsafeInputDetail(found));
    return true;
  }
}
