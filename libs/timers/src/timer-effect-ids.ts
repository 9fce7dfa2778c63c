import { v5 } from 'uuid';

/** The UUIDv5 namespace of events appended by timer handlers (fixed: changing it would make retried runs append again). */
const TIMER_EVENTS = '0f6bd2a6-5a8e-4f0c-9a52-2c1d33a3c4b1';

/**
 * The id of the event a timer's handler appends: a UUID derived from the timer id alone, so every run of the
 * handler (a retry, or a second run after a crash) appends the same event id and the store keeps one
 * (`@crm/eventsourcing` takes a retried append as done, and refuses the id elsewhere with DuplicateEventIdError).
 * `index` tells apart several events of one run.
 */
export function timerEventId(timerId: string, index = 0): string {
  return v5(`${timerId}#${index}`, TIMER_EVENTS);
}
