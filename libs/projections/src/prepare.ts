import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { ConsumedEvent, RelayLogger } from '@crm/messaging';
import type { ProjectionDefinition } from './projection';

export interface ProjectionDeps {
  kafka: Kafka;
  /** An open mongoose connection to the service's read-model database. */
  connection: Connection;
  logger?: RelayLogger;
  /** Opens sealed personal data, for projections that declare `opensPersonalData` (see PersonalDataVault). */
  openPersonalData?: (events: ConsumedEvent[]) => Promise<ConsumedEvent[]>;
}

/**
 * The events as the projection's `evolve` expects them: personal data opened when it asks for that; checked on an
 * opened copy first when it keeps them sealed but declares `checkOpened`. Only the events it takes are opened
 * (the rest pass untouched): opening costs a key lookup and a decryption per event, and the others are not its
 * to judge, nor to dead-letter.
 */
export function preparerOf(
  projection: ProjectionDefinition,
  deps: ProjectionDeps,
): (events: ConsumedEvent[]) => Promise<ConsumedEvent[]> {
  const { opensPersonalData, checkOpened } = projection;
  if (!opensPersonalData && !checkOpened) return async (events) => events;
  const open = deps.openPersonalData;
  if (!open) throw new Error(`Projection ${projection.name} opens personal data, but no openPersonalData was given`);
  return async (events) => {
    const taken = events.filter((event) => projection.documentId(event) !== undefined);
    if (taken.length === 0) return events;
    const opened = await open(taken);
    if (checkOpened) opened.forEach(checkOpened);
    if (!opensPersonalData) return events;
    const openedOf = new Map(taken.map((event, index) => [event, opened[index]]));
    return events.map((event) => openedOf.get(event) ?? event);
  };
}
