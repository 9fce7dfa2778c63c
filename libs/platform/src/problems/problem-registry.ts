import type { ProblemDescriptor } from './problem';

/** What the mapping of an error may depend on besides the error itself. */
export interface ProblemRequestContext {
  /** The client sent If-Match: a concurrency conflict is then a failed precondition (412). */
  readonly ifMatch: boolean;
}

export interface ProblemSpec<E> {
  readonly status: number;
  /** Slug under PROBLEM_BASE_URI (`contact-not-found`) or an absolute URI. */
  readonly type: string;
  readonly title: string;
  /** Defaults to the error's message: register only errors whose messages are meant for clients. */
  readonly detail?: (error: E) => string | undefined;
  readonly extensions?: (error: E) => Readonly<Record<string, unknown>>;
}

export type ProblemMapping<E> = ProblemSpec<E> | ((error: E, request: ProblemRequestContext) => ProblemDescriptor);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error classes take any constructor arguments
type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

/**
 * The one place a service says how its domain errors look over HTTP:
 *
 *   registerProblem(ContactNotFound, { status: 404, type: 'contact-not-found', title: 'Contact not found' });
 *
 * Subclasses inherit the mapping of their nearest registered ancestor.
 */
export class ProblemRegistry {
  private readonly mappings = new Map<unknown, ProblemMapping<Error>>();

  register<E extends Error>(errorClass: ErrorClass<E>, mapping: ProblemMapping<E>): this {
    this.mappings.set(errorClass, mapping as ProblemMapping<Error>);
    return this;
  }

  /** The problem for `error`, or undefined when neither its class nor an ancestor is registered. */
  describe(error: unknown, request: ProblemRequestContext): ProblemDescriptor | undefined {
    if (!(error instanceof Error)) return undefined;
    for (let proto = Object.getPrototypeOf(error); proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
      const mapping = this.mappings.get(proto.constructor);
      if (mapping) return typeof mapping === 'function' ? mapping(error, request) : fromSpec(mapping, error);
    }
    return undefined;
  }
}

function fromSpec(spec: ProblemSpec<Error>, error: Error): ProblemDescriptor {
  return {
    status: spec.status,
    type: spec.type,
    title: spec.title,
    detail: spec.detail ? spec.detail(error) : error.message,
    extensions: spec.extensions?.(error),
  };
}

/** The registry the platform's exception filter uses unless PlatformModule is given another. */
export const problemRegistry = new ProblemRegistry();

export function registerProblem<E extends Error>(errorClass: ErrorClass<E>, mapping: ProblemMapping<E>): void {
  problemRegistry.register(errorClass, mapping);
}
