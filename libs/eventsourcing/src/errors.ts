import type { ExpectedRevision } from './event-store';

/** The stream was not at the revision the writer expected: someone else wrote first. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    readonly actual: number,
  ) {
    super(`Stream "${streamName}" is at revision ${actual}, expected ${String(expected)}`);
  }
}

/** Event ids were reused for different content or a different place: not a harmless retry. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(readonly eventIds: readonly string[]) {
    super(`Event id(s) already used elsewhere: ${eventIds.join(', ')}`);
  }
}
