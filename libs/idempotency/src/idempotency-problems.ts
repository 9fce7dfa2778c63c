import { ProblemError } from '@crm/platform';

/** 400: the header is there but is not a key (IETF draft-ietf-httpapi-idempotency-key-header). */
export class InvalidIdempotencyKeyError extends ProblemError {
  override name = 'InvalidIdempotencyKeyError';
  constructor() {
    super({
      status: 400,
      type: 'invalid-idempotency-key',
      title: 'Invalid Idempotency-Key header',
      detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good key), optionally in double quotes.',
    });
  }
}

/** 409: the first request with this key is still running, longer than a retry waits for it. */
export class IdempotencyKeyInFlightError extends ProblemError {
  override name = 'IdempotencyKeyInFlightError';
  constructor(retryAfterSeconds: number) {
    super({
      status: 409,
      type: 'idempotency-key-in-flight',
      title: 'A request with this Idempotency-Key is in progress',
      detail: 'The first request with this key has not finished yet. Retry later with the same key and body.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/** 422: the key was first used for another request (method, path or body differ). */
export class IdempotencyKeyReusedError extends ProblemError {
  override name = 'IdempotencyKeyReusedError';
  constructor() {
    super({
      status: 422,
      type: 'idempotency-key-reused',
      title: 'Idempotency-Key reused for another request',
      detail: 'This key was first sent with another method, path or body. Use a new key for a new request.',
    });
  }
}

/** 410: the first response held personal data of a person who has since been erased. */
export class IdempotentResponseGoneError extends ProblemError {
  override name = 'IdempotentResponseGoneError';
  constructor() {
    super({
      status: 410,
      type: 'idempotent-response-gone',
      title: 'The first response to this Idempotency-Key is gone',
      detail: 'The request was processed, but its response held personal data that has since been erased.',
    });
  }
}
