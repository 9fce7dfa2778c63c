import type { EventContract } from './contract';
import { ContractDefinitionError } from './errors';

/**
 * Turns data stored under an older schema version into a newer one, so that code only ever
 * handles the current shape. Pure: no clock, no I/O, the same result on every replay.
 */
export interface Upcaster<From = unknown, To = unknown> {
  readonly name: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  /** For the catalog: how old data maps onto the new shape. */
  readonly description: string;
  // Method syntax keeps upcasters of different data types storable side by side.
  upcast(data: From): To;
}

export type AnyUpcaster = Upcaster<unknown, unknown>;

/** Upcasts `from` data to `to` data; both are versions of one event type. */
/**
 * `upcast` also receives an erased person's old events, with every personal value null: it must
 * pass nulls through (the registry proves it at start-up with the redacted example).
 */
export function defineUpcaster<From, To>(
  from: EventContract<From>,
  to: EventContract<To>,
  description: string,
  upcast: (data: From) => To,
): Upcaster<From, To> {
  if (from.name !== to.name || from.service !== to.service) {
    throw new ContractDefinitionError(`Upcaster from ${from.name} to ${to.name}: both must be versions of one event type`);
  }
  if (to.version <= from.version) {
    throw new ContractDefinitionError(
      `Upcaster for ${from.name} must go to a newer version, not v${from.version} → v${to.version}`,
    );
  }
  return Object.freeze({ name: from.name, fromVersion: from.version, toVersion: to.version, description, upcast });
}
