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

/** The append's companion write did not happen (its row was already there), so neither did the append. */
export class CompanionNotWrittenError extends Error {
  override readonly name = 'CompanionNotWrittenError';
  constructor(readonly streamName: string) {
    super(`The write that goes with the append to "${streamName}" did not happen: nothing was appended`);
  }
}
