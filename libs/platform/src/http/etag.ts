import { ProblemError } from '../problems/problem';

/** The ETag of an event-sourced resource is its stream revision, as a strong validator: `"3"`. */
export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/**
 * The revision an `If-Match` header demands, or undefined when there is none (`*` demands nothing
 * more than existence, which loading the aggregate checks). A malformed header is a 400, not ignored.
 */
export function expectedRevisionFrom(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*"(\d{1,15})"\s*$/.exec(ifMatch);
  if (!match) {
    throw new ProblemError({
      status: 400,
      type: 'invalid-if-match',
      title: 'Invalid If-Match header',
      detail: 'If-Match must be one ETag as returned by this API, e.g. "3".',
    });
  }
  return Number(match[1]);
}
