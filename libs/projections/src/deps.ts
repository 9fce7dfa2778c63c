import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { ConsumedEvent, DecodedEvent, EventDecoder, RelayLogger } from '@crm/messaging';
import { defaultTopics, takerOf, topicsOf, type ProjectionDefinition, type TopicOfService } from './projection';

export interface ProjectionDeps {
  kafka: Kafka;
  /** An open mongoose connection to the service's read-model database. */
  connection: Connection;
  logger?: RelayLogger;
  /** Decodes what the projections take (shared by a process's runners: each event is decoded once). */
  decoder: EventDecoder;
  /** The topic of a service; `crm.<service>` unless given (another KAFKA_TOPIC_PREFIX). */
  topicOf?: TopicOfService;
}

/** The topics a projection consumes. */
export const projectionTopics = (projection: ProjectionDefinition, deps: Pick<ProjectionDeps, 'topicOf'>): string[] =>
  topicsOf(projection, deps.topicOf ?? defaultTopics);

/** Of a consumed batch, the events the projection takes, decoded; the others are passed over undecoded. */
export function decodingFor(
  projection: ProjectionDefinition,
  { decoder }: Pick<ProjectionDeps, 'decoder'>,
): (events: readonly ConsumedEvent[]) => Promise<DecodedEvent[]> {
  const takes = takerOf(projection, (type) => decoder.contractOf({ type }) !== undefined);
  return async (events) => {
    const taken = events.filter(takes);
    return taken.length === 0 ? [] : decoder.decode(taken);
  };
}
