import { HttpException } from '@nestjs/common';
import { isTransientFailure } from '@crm/postgres';
import { bearerChallenge } from '../../problems/platform-errors';
import { ProblemError, type ProblemDescriptor } from '../../problems/problem';
import type { ProblemRegistry, ProblemRequestContext } from '../../problems/problem-registry';

/** What a status means when nothing more specific is known. */
const STATUS_PROBLEMS: Record<number, { type: string; title: string }> = {
  400: { type: 'bad-request', title: 'The request is invalid' },
  401: { type: 'unauthorized', title: 'Authentication is required' },
  403: { type: 'forbidden', title: 'Not allowed' },
  404: { type: 'not-found', title: 'Not found' },
  405: { type: 'method-not-allowed', title: 'Method not allowed' },
  406: { type: 'not-acceptable', title: 'Not acceptable' },
  409: { type: 'conflict', title: 'Conflict' },
  412: { type: 'precondition-failed', title: 'Precondition failed' },
  413: { type: 'payload-too-large', title: 'The request body is too large' },
  415: { type: 'unsupported-media-type', title: 'The request body has an unsupported media type' },
  422: { type: 'unprocessable', title: 'The request cannot be processed' },
  428: { type: 'precondition-required', title: 'Precondition required' },
  429: { type: 'too-many-requests', title: 'Too many requests' },
  503: { type: 'service-unavailable', title: 'Service unavailable' },
};

const INTERNAL: ProblemDescriptor = {
  status: 500,
  type: 'internal',
  title: 'Internal error',
  detail: 'Something went wrong on our side. Quote the correlation id when reporting it.',
};

/**
 * A database, the key store or the broker out of reach: nothing was wrong with the request, and a retry may pass.
 * Whether the write happened before the failure cannot be told here, hence the Idempotency-Key advice.
 */
const DEPENDENCY_UNAVAILABLE: ProblemDescriptor = {
  status: 503,
  type: 'dependency-unavailable',
  title: 'Service unavailable',
  detail: 'A server this service depends on cannot be reached right now. Retry shortly (a POST with the same Idempotency-Key).',
  headers: { 'Retry-After': '5' },
};

/** Errors from body-parser and friends (http-errors): `status` and `expose` tell what a client may see. */
interface HttpError {
  status: number;
  expose?: boolean;
  type?: string;
  message: string;
}

export interface ProblemOutcome {
  readonly problem: ProblemDescriptor;
  /** Not the client's fault: log it with its stack. */
  readonly unexpected: boolean;
}

/**
 * Maps anything thrown while handling a request to a problem, in this order: the service's registry,
 * errors that carry their own problem, Nest's HttpExceptions,
 * http-errors, infrastructure out of reach (503); anything else is a 500 that reveals nothing.
 */
export function toProblem(error: unknown, request: ProblemRequestContext, registry: ProblemRegistry): ProblemOutcome {
  const registered = registry.describe(error, request);
  if (registered) return { problem: registered, unexpected: registered.status >= 500 };
  if (error instanceof ProblemError) return { problem: error.problem, unexpected: error.problem.status >= 500 };
  if (error instanceof HttpException) return fromHttpException(error);
  if (isHttpError(error)) return fromStatus(error.status, error.expose ? error.message : undefined);
  if (isTransientFailure(error)) return { problem: DEPENDENCY_UNAVAILABLE, unexpected: true };
  return { problem: INTERNAL, unexpected: true };
}

function fromHttpException(error: HttpException): ProblemOutcome {
  const status = error.getStatus();
  return fromStatus(status, status < 500 ? messageOf(error.getResponse()) : undefined);
}

function fromStatus(status: number, detail: string | undefined): ProblemOutcome {
  if (status >= 500)
    return { problem: status === 503 ? { status, ...STATUS_PROBLEMS[503] } : INTERNAL, unexpected: status !== 503 };
  const known = STATUS_PROBLEMS[status] ?? { type: 'about:blank', title: `HTTP ${status}` };
  const headers = status === 401 ? { 'WWW-Authenticate': bearerChallenge() } : undefined;
  return { problem: { status, ...known, detail, headers }, unexpected: false };
}

/** Nest exceptions carry a string, or `{ message: string | string[] }`. */
function messageOf(response: string | object): string | undefined {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.filter((m) => typeof m === 'string').join('; ');
  return undefined;
}

function isHttpError(error: unknown): error is HttpError {
  if (!(error instanceof Error)) return false;
  const status = (error as Partial<HttpError>).status;
  return typeof status === 'number' && status >= 400 && status < 600;
}
