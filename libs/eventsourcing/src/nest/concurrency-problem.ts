import { problemRegistry, type ProblemDescriptor, type ProblemRegistry, type ProblemRequestContext } from '@crm/platform';
import { WrongExpectedRevisionError } from '../errors';

/** A stale write: 412 when the client sent If-Match (its version is outdated), else 409 (a concurrent writer won). */
export function concurrencyConflict(_: WrongExpectedRevisionError, request: ProblemRequestContext): ProblemDescriptor {
  return request.ifMatch
    ? {
        status: 412,
        type: 'precondition-failed',
        title: 'The resource has changed',
        detail: 'The resource was modified after the version given in If-Match. Read it again and retry.',
      }
    : {
        status: 409,
        type: 'concurrent-modification',
        title: 'The resource was modified concurrently',
        detail: 'Another request changed the resource at the same time. Read it again and retry.',
      };
}

/** How a service with an event store answers optimistic-concurrency conflicts (the stream names stay private). */
export function registerConcurrencyProblem(registry: ProblemRegistry = problemRegistry): void {
  registry.register(WrongExpectedRevisionError, concurrencyConflict);
}
