import { cloudEventSource, cloudEventType, type AnyEventContract } from '../contract';

/**
 * The Kafka side of an event, as the analytics team sees it: CloudEvents 1.0 in binary mode,
 * attributes as `ce_*` headers, the data as the JSON value. libs/messaging builds it; this
 * module only describes it for the docs, from the contract.
 */
export type HeaderPresence = 'always' | 'customer events' | 'when known';

export interface EnvelopeHeader {
  readonly name: string;
  readonly presence: HeaderPresence;
  readonly description: string;
}

export const CLOUDEVENTS_SPEC_VERSION = '1.0';

export const ENVELOPE_HEADERS: readonly EnvelopeHeader[] = [
  { name: 'ce_specversion', presence: 'always', description: `CloudEvents version, \`${CLOUDEVENTS_SPEC_VERSION}\`.` },
  { name: 'ce_id', presence: 'always', description: 'The event id (UUIDv7), unique per event: consumers deduplicate on it.' },
  { name: 'ce_type', presence: 'always', description: 'The event type, `crm.<service>.<EventName>`.' },
  { name: 'ce_source', presence: 'always', description: 'The producing service, `/<service>`.' },
  {
    name: 'ce_subject',
    presence: 'customer events',
    description: 'The customer (contact) id the event concerns; equal to the Kafka key.',
  },
  { name: 'ce_time', presence: 'always', description: 'When the event was recorded, RFC 3339 in UTC.' },
  { name: 'ce_dataversion', presence: 'always', description: 'The schema version of the data (an integer, as text).' },
  { name: 'ce_correlationid', presence: 'when known', description: 'Id of the request or process the event belongs to.' },
  { name: 'ce_causationid', presence: 'when known', description: 'Id of the command or event that caused this event.' },
  { name: 'ce_actor', presence: 'when known', description: 'Who did it: a user id or a service id.' },
  {
    name: 'ce_traceparent',
    presence: 'when known',
    description:
      'W3C trace context of the request that caused the event (CloudEvents distributed tracing extension), when the producer exports traces: link your processing span to it.',
  },
  {
    name: 'ce_tracestate',
    presence: 'when known',
    description: 'W3C `tracestate` that goes with `ce_traceparent`, when there is one.',
  },
  // The producer's store coordinates: useful to trace an event back, not needed to consume it.
  {
    name: 'ce_stream',
    presence: 'when known',
    description: "The event's stream in the producing service's store, `<aggregate>-<id>`.",
  },
  { name: 'ce_revision', presence: 'when known', description: 'The revision of the event in that stream, from 0.' },
  {
    name: 'ce_position',
    presence: 'when known',
    description: "The event's position in the producing service's log, `<commit>/<prepare>`.",
  },
];

/** The Kafka key: the customer id when the event concerns one, so that each customer's events stay in order. */
export function keyDescription(contract: AnyEventContract): string {
  return contract.customerIdField
    ? `\`${contract.customerIdField}\` of the data: the customer id (also \`ce_subject\`).`
    : 'The id of the aggregate the event belongs to (the event concerns no customer).';
}

/** Fixed ids so that regenerated examples stay identical. */
const EXAMPLE_EVENT_ID = '0192f5e4-8a10-7d2e-b3c4-5d6e7f809a1b';
const EXAMPLE_CORRELATION_ID = '0192f5e4-89f0-7a11-8c2d-3e4f5a6b7c8d';
const EXAMPLE_CAUSATION_ID = '0192f5e4-89f8-7b22-9d3e-4f5a6b7c8d9e';
const EXAMPLE_TIME = '2025-01-15T09:30:00.125Z';

/** Example headers of one event, consistent with the contract's example data. */
export function exampleHeaders(contract: AnyEventContract, subject: string | undefined): Record<string, string> {
  return {
    ce_specversion: CLOUDEVENTS_SPEC_VERSION,
    ce_id: EXAMPLE_EVENT_ID,
    ce_type: cloudEventType(contract),
    ce_source: cloudEventSource(contract.service),
    ...(subject === undefined ? {} : { ce_subject: subject }),
    ce_time: EXAMPLE_TIME,
    ce_dataversion: String(contract.version),
    ce_correlationid: EXAMPLE_CORRELATION_ID,
    ce_causationid: EXAMPLE_CAUSATION_ID,
  };
}
