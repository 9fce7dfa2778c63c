/**
 * RFC 9457 problem details. Every error response of every service is one of these, served as
 * `application/problem+json`, with a stable `type` URI per kind of problem.
 *
 * Problem type URIs live under PROBLEM_BASE_URI. It uses the reserved `.example` domain on purpose:
 * the URIs are stable identifiers, never fetched, and can never point at someone else's site.
 * The catalog of platform problem types is in libs/platform/README.md.
 */
export const PROBLEM_BASE_URI = 'https://crm.example/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `'contact-not-found'` → `https://crm.example/problems/contact-not-found`; absolute URIs stay as they are. */
export function problemType(slugOrUri: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(slugOrUri) ? slugOrUri : PROBLEM_BASE_URI + slugOrUri;
}

/** One invalid input field: `emails[0].address`, with every rule it breaks. `''` is the input as a whole. */
export interface FieldError {
  readonly field: string;
  readonly messages: readonly string[];
  /** Where the field was, when not in the body. */
  readonly in?: 'body' | 'query';
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  /** The request path the problem occurred on. */
  readonly instance?: string;
  /** Quote it when reporting a problem: it finds the logs of the request. */
  readonly correlationId?: string;
  /** Validation problems: every bad field. */
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

/** A problem before it is tied to a request: what a mapping produces. */
export interface ProblemDescriptor {
  readonly status: number;
  /** A slug under PROBLEM_BASE_URI, or an absolute URI (`about:blank`). */
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  /** Extra members of the problem object. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Response headers, e.g. WWW-Authenticate. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error that already knows its problem: throw one (or a subclass) anywhere in request handling. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(readonly problem: ProblemDescriptor) {
    super(problem.detail ?? problem.title);
  }
}
