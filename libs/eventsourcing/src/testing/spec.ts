import { fold, type Decider, type DomainEvent } from '../decider';

/**
 * Given/When/Then specs for deciders:
 *   spec(contactDecider).given([created]).when(rename).then([renamed]);
 *   spec(contactDecider).given([]).when(rename).thenThrows(ContactNotFound);
 * Uses jest's `expect`, so call it inside a test.
 */
export function spec<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, fold(decider, events));
          return {
            then(expected: readonly Event[]): void {
              expect(run()).toEqual(expected);
            },
            thenThrows(error: new (...args: never[]) => Error, message?: string | RegExp): void {
              expect(run).toThrow(error);
              if (message) expect(run).toThrow(message);
            },
          };
        },
      };
    },
  };
}
