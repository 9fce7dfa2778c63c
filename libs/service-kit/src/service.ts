import type { Type } from '@nestjs/common';
import type { ContractSet } from '@crm/contracts';
import { streamNameClashes, type AnyAggregate } from '@crm/eventsourcing';
import type { ConfigSpec } from '@crm/platform';
import type { AccessPolicy } from '@crm/platform/nest';
import type { ProjectionDefinition } from '@crm/projections';

/** Everything the kit needs to know of a service to run it; the rest (stores, relay, runners...) it wires itself. */
export interface ServiceDefinition<Spec extends ConfigSpec = ConfigSpec> {
  /** Lower-case kebab-case: its topic (`crm.<name>`), PostgreSQL schema and read database by default, logs, traces. */
  readonly name: string;
  /** The title of its OpenAPI document. */
  readonly title: string;
  /** Who may read and who may write, for routes marked `@Access('read')` or `@Access('write')`. */
  readonly access: AccessPolicy;
  /** The events it publishes, each a contract of this service. */
  readonly contracts?: ContractSet;
  /**
   * Its event-sourced aggregates. With any, the service gets an event store, the relay to its topic, personal
   * data sealed with the shared subject keys, and Idempotency-Key on POST.
   */
  readonly aggregates?: readonly AnyAggregate[];
  /** Its read models in MongoDB, kept up to date in the process and rebuilt by `main.js rebuild <name>`. */
  readonly projections?: readonly ProjectionDefinition<object>[];
  /**
   * The kinds of its durable timers (`deal-rotting`), each fired by one `@OnTimer(kind)` method of the application's
   * providers. With any, the kit keeps `<schema>.timers` and runs a scheduler (ADR 0019); `Timers` schedules.
   */
  readonly timers?: readonly string[];
  /** Its own environment variables, beyond those the kit reads (`serviceConfigSpec`). */
  readonly config?: Spec;
  /** The Nest module of its API and use cases: controllers, command and query handlers, reactors. */
  readonly application: Type;
  /** Request bodies accepted besides JSON (`text/csv`), left unparsed for the handler to stream. */
  readonly extraMediaTypes?: readonly string[];
  /** Whose key seals a kept Idempotency-Key response: the person it shows; unsealed when undefined. */
  readonly responseSubject?: (body: unknown) => string | undefined;
}

/** Whether the service keeps an event store (and so a relay, idempotency keys, sealing): it has aggregates. */
export const storesEvents = (definition: Pick<ServiceDefinition, 'aggregates'>): boolean =>
  (definition.aggregates ?? []).length > 0;

/** Whether the service fires durable timers: it declares timer kinds. */
export const firesTimers = (definition: Pick<ServiceDefinition, 'timers'>): boolean => (definition.timers ?? []).length > 0;

/** Service and aggregate names: lower-case kebab-case. */
const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export class InvalidServiceDefinitionError extends Error {
  override readonly name = 'InvalidServiceDefinitionError';
}

/** Checks a declaration where it is written, so that a mistake stops the build's tests rather than a deploy. */
export function defineService<Spec extends ConfigSpec = ConfigSpec>(
  definition: ServiceDefinition<Spec>,
): ServiceDefinition<Spec> {
  const problems: string[] = [];
  const { name } = definition;
  if (!KEBAB_CASE.test(name)) problems.push(`name "${name}" must be lower-case kebab-case`);
  for (const contract of definition.contracts?.contracts ?? []) {
    if (contract.service !== name) problems.push(`contract ${contract.name} belongs to ${contract.service}, not ${name}`);
  }
  const aggregateNames = (definition.aggregates ?? []).map((aggregate) => aggregate.name);
  problems.push(...duplicates('aggregate', aggregateNames));
  for (const aggregate of aggregateNames.filter((aggregate) => !KEBAB_CASE.test(aggregate))) {
    problems.push(`aggregate "${aggregate}" must be lower-case kebab-case (its streams are <name>-<id>)`);
  }
  // The relay keys an event by the aggregate its stream belongs to: each stream name must tell one.
  problems.push(...streamNameClashes(aggregateNames));
  problems.push(
    ...duplicates(
      'projection',
      (definition.projections ?? []).map((projection) => projection.name),
    ),
  );
  problems.push(
    ...duplicates(
      'collection',
      (definition.projections ?? []).map((projection) => projection.collection),
    ),
  );
  problems.push(...duplicates('timer kind', definition.timers ?? []));
  for (const kind of (definition.timers ?? []).filter((kind) => !KEBAB_CASE.test(kind))) {
    problems.push(`timer kind "${kind}" must be lower-case kebab-case`);
  }
  if (definition.access.read.length === 0 || definition.access.write.length === 0) {
    problems.push('access names no reader or no writer (admin passes every check: name at least one role)');
  }
  if (problems.length > 0) throw new InvalidServiceDefinitionError(`Service ${name}: ${problems.join('; ')}`);
  return Object.freeze({ ...definition });
}

function duplicates(what: string, names: readonly string[]): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))].map(
    (name) => `${what} ${name} is declared twice`,
  );
}
