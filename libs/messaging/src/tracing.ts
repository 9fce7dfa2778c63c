import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Attributes, type Link } from '@opentelemetry/api';

const tracer = trace.getTracer('@crm/messaging');

/** What a span needs of an event: its trace context, as the CloudEvent carries it. */
interface Traced {
  traceparent?: string;
  tracestate?: string;
}

/** Links to the traces of the requests that caused the events (one per distinct context). */
function linksTo(events: readonly Traced[]): Link[] {
  const links = new Map<string, Link>();
  for (const { traceparent, tracestate } of events) {
    if (!traceparent || links.has(traceparent)) continue;
    const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent, tracestate }));
    if (spanContext) links.set(traceparent, { context: spanContext });
  }
  return [...links.values()];
}

const KIND_OF = { publish: SpanKind.PRODUCER, process: SpanKind.CONSUMER } as const;

/**
 * Runs `work` in a span `<operation> <topic>` for a batch of events that is published or handled (OpenTelemetry
 * messaging conventions for batches: a span of its own, linked to each event's trace rather than the child of one).
 * Queries within it are its children. A no-op span when tracing is off.
 */
export function inBatchSpan<T>(
  operation: keyof typeof KIND_OF,
  topic: string,
  events: readonly Traced[],
  attributes: Attributes,
  work: () => Promise<T>,
): Promise<T> {
  const all: Attributes = {
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.batch.message_count': events.length,
    ...attributes,
  };
  return tracer.startActiveSpan(
    `${operation} ${topic}`,
    { kind: KIND_OF[operation], root: true, attributes: all },
    async (span) => {
      if (span.isRecording()) span.addLinks(linksTo(events));
      try {
        return await work();
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
