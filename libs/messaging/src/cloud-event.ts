import type { IHeaders, Message } from 'kafkajs';
import { cloudEventSource, cloudEventType } from '@crm/contracts';
import { formatPosition, parsePosition, type GlobalPosition, type RecordedEvent } from '@crm/eventsourcing';

/**
 * CloudEvents 1.0 in Kafka binary mode: attributes as `ce_*` headers, the event data as the JSON
 * value. Extensions carry what consumers need for idempotency and tracing.
 */
export interface CloudEvent<Data = unknown> {
  id: string;
  /** `crm.<service>.<EventName>` */
  type: string;
  /** `/<service>` */
  source: string;
  /** The customer (contact) id the event concerns, when there is one. */
  subject?: string;
  time: string;
  dataVersion: number;
  data: Data;
  correlationId?: string;
  causationId?: string;
  actor?: string;
  /** W3C trace context of the request that caused it (CloudEvents distributed tracing extension). */
  traceparent?: string;
  tracestate?: string;
  /** Stream and revision in the producing service's event store. */
  stream: string;
  revision: number;
  position: GlobalPosition;
}

const SPEC_VERSION = '1.0';

export interface EnvelopeOptions {
  service: string;
  /** The CloudEvents subject and Kafka key: the customer id when the event concerns one. */
  subjectOf(event: RecordedEvent): string | undefined;
  /** The id of the aggregate whose stream holds the event (from the stream's declaration): the key of any other event. */
  aggregateIdOf(event: RecordedEvent): string;
}

export function toCloudEvent(event: RecordedEvent, options: EnvelopeOptions): CloudEvent {
  const { correlationId, causationId, actor, traceparent, tracestate, schemaVersion } = event.metadata;
  return {
    id: event.id,
    type: cloudEventType({ service: options.service, name: event.type }),
    source: cloudEventSource(options.service),
    subject: options.subjectOf(event),
    time: event.recordedAt.toISOString(),
    dataVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data,
    correlationId: typeof correlationId === 'string' ? correlationId : undefined,
    causationId: typeof causationId === 'string' ? causationId : undefined,
    actor: typeof actor === 'string' ? actor : undefined,
    traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    tracestate: typeof tracestate === 'string' ? tracestate : undefined,
    stream: event.streamName,
    revision: event.revision,
    position: event.position,
  };
}

/**
 * A stored event as the relay publishes it: its CloudEvent, and the Kafka message carrying it under the key the
 * catalog gives, the customer id (the subject) when the event concerns one, else the id of its aggregate.
 */
export function toPublishedMessage(event: RecordedEvent, options: EnvelopeOptions): { cloudEvent: CloudEvent; message: Message } {
  const cloudEvent = toCloudEvent(event, options);
  return { cloudEvent, message: toKafkaMessage(cloudEvent, cloudEvent.subject ?? options.aggregateIdOf(event)) };
}

export function toKafkaMessage(event: CloudEvent, key: string): Message {
  const headers: IHeaders = {
    ce_specversion: SPEC_VERSION,
    ce_id: event.id,
    ce_type: event.type,
    ce_source: event.source,
    ce_time: event.time,
    ce_dataversion: String(event.dataVersion),
    ce_stream: event.stream,
    ce_revision: String(event.revision),
    ce_position: formatPosition(event.position),
    'content-type': 'application/json',
  };
  if (event.subject) headers.ce_subject = event.subject;
  if (event.correlationId) headers.ce_correlationid = event.correlationId;
  if (event.causationId) headers.ce_causationid = event.causationId;
  if (event.actor) headers.ce_actor = event.actor;
  if (event.traceparent) headers.ce_traceparent = event.traceparent;
  if (event.tracestate) headers.ce_tracestate = event.tracestate;
  return { key, value: JSON.stringify(event.data), headers };
}

export class MalformedCloudEventError extends Error {
  override readonly name = 'MalformedCloudEventError';
}

/** Reads a binary-mode CloudEvent from a Kafka message; throws MalformedCloudEventError when it is not one. */
export function fromKafkaMessage(message: { value: Buffer | null; headers?: IHeaders }): CloudEvent {
  const header = (name: string): string | undefined => {
    const value = message.headers?.[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  };
  const required = (name: string): string => {
    const value = header(name);
    if (!value) throw new MalformedCloudEventError(`Missing header ${name}`);
    return value;
  };
  if (required('ce_specversion') !== SPEC_VERSION)
    throw new MalformedCloudEventError(`Unsupported ce_specversion ${header('ce_specversion')}`);
  let data: unknown;
  try {
    data = message.value === null ? null : JSON.parse(message.value.toString('utf8'));
  } catch {
    throw new MalformedCloudEventError('Value is not JSON');
  }
  const revision = Number(required('ce_revision'));
  const dataVersion = Number(required('ce_dataversion'));
  if (!Number.isInteger(revision) || !Number.isInteger(dataVersion))
    throw new MalformedCloudEventError('Bad ce_revision or ce_dataversion');
  let position: GlobalPosition;
  try {
    position = parsePosition(required('ce_position'));
  } catch {
    throw new MalformedCloudEventError('Bad ce_position');
  }
  return {
    id: required('ce_id'),
    type: required('ce_type'),
    source: required('ce_source'),
    subject: header('ce_subject'),
    time: required('ce_time'),
    dataVersion,
    data,
    correlationId: header('ce_correlationid'),
    causationId: header('ce_causationid'),
    actor: header('ce_actor'),
    traceparent: header('ce_traceparent'),
    tracestate: header('ce_tracestate'),
    stream: required('ce_stream'),
    revision,
    position,
  };
}
