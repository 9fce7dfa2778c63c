import { NO_STREAM_REVISION, type ExpectedRevision } from './event-store';
import { WrongExpectedRevisionError } from './errors';

export function revisionMatches(expected: ExpectedRevision, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === NO_STREAM_REVISION;
    case 'stream_exists':
      return actual !== NO_STREAM_REVISION;
    default:
      return actual === expected;
  }
}

export function assertExpectedRevision(streamName: string, expected: ExpectedRevision, actual: number): void {
  if (!revisionMatches(expected, actual)) throw new WrongExpectedRevisionError(streamName, expected, actual);
}
