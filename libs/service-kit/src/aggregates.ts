import { Inject, type FactoryProvider } from '@nestjs/common';
import type { ContractRegistry } from '@crm/contracts';
import {
  AggregateRepository,
  instanceOfStream,
  streamOf,
  type Aggregate,
  type AnyAggregate,
  type DomainEvent,
  type EventStore,
} from '@crm/eventsourcing';
import { EVENT_STORE } from '@crm/eventsourcing/nest';
import { correlationMetadata } from '@crm/platform';
import type { PersonalDataVault } from '@crm/privacy';
import { PERSONAL_DATA_VAULT } from '@crm/privacy/nest';

/** The repository of a declared aggregate: `RepositoryOf<typeof contactAggregate>`. */
export type RepositoryOf<A> =
  A extends Aggregate<infer State, infer Command, infer Event> ? AggregateRepository<State, Command, Event> : never;

const tokens = new WeakMap<object, symbol>();

/** The injection token of an aggregate's repository. */
export function repositoryToken(aggregate: AnyAggregate): symbol {
  let token = tokens.get(aggregate);
  if (!token) tokens.set(aggregate, (token = Symbol(`repository:${aggregate.name}`)));
  return token;
}

/** Injects the repository of a declared aggregate: `@InjectRepository(contactAggregate) contacts: RepositoryOf<typeof contactAggregate>`. */
export const InjectRepository = <State, Command, Event extends DomainEvent>(aggregate: Aggregate<State, Command, Event>) =>
  Inject(repositoryToken(aggregate));

/**
 * Every aggregate is stored the same way: its new events checked against their contracts, stamped with the
 * correlation they were decided in (metadata the handler gave wins) and their schema version, and sealed on the
 * way in (a create's new subject key committed with its events); opened, upcast and checked on the way out.
 */
export function repositoryProviders(aggregates: readonly AnyAggregate[], contracts: ContractRegistry): FactoryProvider[] {
  return aggregates.map((aggregate) => ({
    provide: repositoryToken(aggregate),
    inject: [EVENT_STORE, PERSONAL_DATA_VAULT],
    useFactory: (store: EventStore, vault: PersonalDataVault) =>
      new AggregateRepository(store, aggregate.decider, (id) => streamOf(aggregate, id), {
        toNewEvents: async (events, { aggregateId, streamAssumedNew }) => {
          const correlation = correlationMetadata();
          // The ids the handler gave stay (events of a timer's run: their ids make a second run append nothing).
          const prepared = events.map((event) => ({
            ...(event.id !== undefined && { id: event.id }),
            ...contracts.prepareForAppend({ ...event, metadata: { ...correlation, ...event.metadata } }),
          }));
          if (!streamAssumedNew) return vault.seal(prepared);
          // A customer's own aggregate created (a contact): their new key is written with the events, in one statement
          // when they share a database. Events about someone else (an interaction with a contact) use that one's key.
          const { events: sealed, keyWrite } = await vault.sealNew(prepared, aggregateId);
          return { events: sealed, companion: keyWrite };
        },
        toDomainEvents: (stored) => vault.toDomainEvents(stored),
      }),
  }));
}

/**
 * The id of the declared aggregate whose stream holds an event (`custom-fields-contacts` → `contacts`): the Kafka key of
 * an event that concerns no customer. Only the repositories append, so a stream of no declared aggregate is a bug.
 */
export function aggregateIdOfStream(aggregates: readonly AnyAggregate[], streamName: string): string {
  const instance = instanceOfStream(aggregates, streamName);
  if (!instance) {
    const names = aggregates.map((aggregate) => aggregate.name).join(', ');
    throw new Error(`Stream ${streamName} belongs to none of the declared aggregates (${names}): its events have no Kafka key`);
  }
  return instance.id;
}
