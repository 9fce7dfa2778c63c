/**
 * A decider is the whole behaviour of an aggregate as pure functions:
 * `decide` turns a command into events (or throws a domain error), `evolve` folds events into state.
 * No I/O, no clock, no randomness: time and ids arrive inside the command.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface Decider<State, Command, Event extends DomainEvent> {
  initialState: State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

export function fold<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState);
}

/**
 * An event-sourced aggregate as a service declares it: its name and its decider. Each instance lives in the stream
 * `<name>-<id>` (`contact-0192…`, see streamOf). Plain data, so a domain can define it with a type-only import of
 * this module.
 */
export interface Aggregate<State = unknown, Command = unknown, Event extends DomainEvent = DomainEvent> {
  /** Lower-case kebab-case, the category of its streams; names its repository in logs and errors: `contact`. */
  readonly name: string;
  readonly decider: Decider<State, Command, Event>;
}

/** Any aggregate, whatever its state, commands and events: for lists of them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deciders differ in all three; none is read through this type
export type AnyAggregate = Aggregate<any, any, any>;
