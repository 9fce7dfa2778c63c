import type { Role } from '../auth/principal';
import { ProblemError, type FieldError } from './problem';

/** Input that breaks the DTO rules, or keys that look like database operators. */
export class RequestValidationError extends ProblemError {
  override name = 'RequestValidationError';
  constructor(
    readonly errors: readonly FieldError[],
    detail?: string,
  ) {
    super({
      status: 400,
      type: 'validation',
      title: 'The request is invalid',
      detail: detail ?? `${errors.length} ${errors.length === 1 ? 'field is' : 'fields are'} invalid; see errors.`,
      errors,
    });
  }
}

export class MalformedBodyError extends ProblemError {
  override name = 'MalformedBodyError';
  constructor() {
    super({
      status: 400,
      type: 'malformed-body',
      title: 'The request body is not valid JSON',
      detail: 'Send a JSON object or array.',
    });
  }
}

/** A body whose Content-Encoding (gzip, deflate, br...) does not decode: plain JSON labelled gzip, or a truncated stream. */
export class UndecodableBodyError extends ProblemError {
  override name = 'UndecodableBodyError';
  constructor(readonly encoding: string) {
    super({
      status: 400,
      type: 'undecodable-body',
      title: 'The request body cannot be decoded',
      detail: `The body is not valid "${encoding}" data, as its Content-Encoding says. Send it encoded that way, or unencoded without Content-Encoding.`,
    });
  }
}

export class PayloadTooLargeError extends ProblemError {
  override name = 'PayloadTooLargeError';
  constructor(readonly limitBytes?: number) {
    super({
      status: 413,
      type: 'payload-too-large',
      title: 'The request body is too large',
      detail: limitBytes ? `The limit is ${limitBytes} bytes.` : undefined,
    });
  }
}

export class UnsupportedMediaTypeError extends ProblemError {
  override name = 'UnsupportedMediaTypeError';
  constructor(detail: string) {
    super({ status: 415, type: 'unsupported-media-type', title: 'The request body has an unsupported media type', detail });
  }
}

export type AuthenticationFailure = 'missing' | 'invalid' | 'expired';

const AUTHENTICATION_DETAIL: Record<AuthenticationFailure, string> = {
  missing: 'Send a bearer token in the Authorization header.',
  invalid: 'The bearer token is not valid.',
  expired: 'The bearer token has expired.',
};

/** 401 with the RFC 6750 WWW-Authenticate challenge. */
export class AuthenticationError extends ProblemError {
  override name = 'AuthenticationError';
  constructor(readonly failure: AuthenticationFailure) {
    const detail = AUTHENTICATION_DETAIL[failure];
    super({
      status: 401,
      type: 'unauthorized',
      title: 'Authentication is required',
      detail,
      headers: { 'WWW-Authenticate': bearerChallenge(failure === 'missing' ? undefined : detail) },
    });
  }
}

export function bearerChallenge(invalidTokenDescription?: string): string {
  return invalidTokenDescription === undefined
    ? 'Bearer realm="crm"'
    : `Bearer realm="crm", error="invalid_token", error_description="${invalidTokenDescription.replace(/"/g, "'")}"`;
}

export class MissingRoleError extends ProblemError {
  override name = 'MissingRoleError';
  constructor(readonly required: readonly Role[]) {
    super({
      status: 403,
      type: 'forbidden',
      title: 'Not allowed',
      detail: `This action requires one of the roles: ${required.join(', ')}.`,
    });
  }
}

/** 405: the path exists, the method does not; `Allow` lists the methods it takes (RFC 9110). */
export class MethodNotAllowedError extends ProblemError {
  override name = 'MethodNotAllowedError';
  constructor(
    method: string,
    readonly allowed: readonly string[],
  ) {
    super({
      status: 405,
      type: 'method-not-allowed',
      title: 'Method not allowed',
      detail: `This path takes ${allowed.join(', ')}, not ${method}.`,
      headers: { Allow: allowed.join(', ') },
    });
  }
}
