import { ProblemError, type FieldError } from '@crm/platform';

export const INVALID_QUERY = 'invalid-query';

/** 400 listing every bad query parameter, in the shape of the platform's validation problems. */
export class InvalidQueryError extends ProblemError {
  override name = 'InvalidQueryError';
  constructor(readonly errors: readonly FieldError[]) {
    super({
      status: 400,
      type: INVALID_QUERY,
      title: 'The query is invalid',
      detail: `${errors.length} query ${errors.length === 1 ? 'parameter is' : 'parameters are'} invalid; see errors.`,
      errors,
    });
  }
}

/** Collects every problem of one query, one entry per parameter as the client wrote it. */
export class QueryErrors {
  private readonly byParam = new Map<string, string[]>();

  add(param: string, ...messages: readonly string[]): void {
    const all = this.byParam.get(param) ?? [];
    for (const message of messages) if (!all.includes(message)) all.push(message);
    this.byParam.set(param, all);
  }

  /** Throws them all, in the order the parameters came in `sent` (others last). */
  throwIfAny(sent: readonly string[] = []): void {
    if (this.byParam.size === 0) return;
    const rank = (param: string) => (sent.includes(param) ? sent.indexOf(param) : sent.length);
    const errors = [...this.byParam].map(([field, messages]) => ({ field, messages, in: 'query' as const }));
    throw new InvalidQueryError(errors.sort((a, b) => rank(a.field) - rank(b.field)));
  }
}
