import type { RecordedEvent } from '@crm/eventsourcing';
import { fromKafkaMessage, toCloudEvent, toKafkaMessage, toPublishedMessage } from './cloud-event';

const recorded = (metadata: RecordedEvent['metadata']): RecordedEvent => ({
  id: '0193f1e4-0000-7000-8000-000000000001',
  type: 'ContactCreated',
  data: { contactId: 'c1' },
  metadata: { schemaVersion: 1, ...metadata },
  streamName: 'contact-c1',
  revision: 0,
  position: { commit: 10n, prepare: 10n },
  recordedAt: new Date('2026-11-23T10:00:00.000Z'),
});
const envelope = { service: 'contacts', subjectOf: () => 'c1', aggregateIdOf: () => 'c1' };
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('CloudEvents over Kafka', () => {
  it('carries the trace context of the causing request as ce_traceparent and ce_tracestate, and reads it back', () => {
    const event = toCloudEvent(recorded({ correlationId: 'corr', traceparent, tracestate: 'vendor=1' }), envelope);
    const message = toKafkaMessage(event, 'c1');
    expect(message.headers).toMatchObject({ ce_traceparent: traceparent, ce_tracestate: 'vendor=1', ce_correlationid: 'corr' });
    const read = fromKafkaMessage({ value: Buffer.from(message.value as string), headers: message.headers });
    expect(read).toEqual(event);
    expect(read).toMatchObject({ traceparent, tracestate: 'vendor=1' });
  });

  it('leaves the headers out for an event recorded without tracing, or with a trace context that is not text', () => {
    // Metadata is JSON from the store: a value of the wrong type is possible.
    for (const metadata of [{}, { traceparent: 42 } as unknown as RecordedEvent['metadata']]) {
      const message = toKafkaMessage(toCloudEvent(recorded(metadata), envelope), 'c1');
      expect(Object.keys(message.headers ?? {}).filter((name) => name.startsWith('ce_trace'))).toEqual([]);
      expect(
        fromKafkaMessage({ value: Buffer.from(message.value as string), headers: message.headers }).traceparent,
      ).toBeUndefined();
    }
  });

  it('keys a message by the customer id when the event concerns one, else by the id its aggregate declares', () => {
    const aggregateIdOf = (event: RecordedEvent) => (event.streamName === 'custom-fields-contacts' ? 'contacts' : 'unknown');
    const customerEvent = toPublishedMessage(recorded({}), { service: 'contacts', subjectOf: () => 'c1', aggregateIdOf });
    expect(customerEvent.message.key).toBe('c1');
    expect(customerEvent.message.headers).toMatchObject({ ce_subject: 'c1' });
    const catalogEvent = toPublishedMessage(
      { ...recorded({}), type: 'CustomFieldDefined', streamName: 'custom-fields-contacts' },
      { service: 'contacts', subjectOf: () => undefined, aggregateIdOf },
    );
    expect(catalogEvent.message.key).toBe('contacts');
    expect(catalogEvent.message.headers).not.toHaveProperty('ce_subject');
    expect(catalogEvent.cloudEvent.stream).toBe('custom-fields-contacts');
  });
});
