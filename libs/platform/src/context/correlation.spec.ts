import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { correlationMetadata, runWithCorrelation } from './correlation';

describe('correlationMetadata', () => {
  it('is empty outside a request, and carries the correlation inside one', () => {
    expect(correlationMetadata()).toEqual({});
    const metadata = runWithCorrelation({ correlationId: 'c-1', actor: 'ada' }, () => correlationMetadata());
    expect(metadata).toEqual({ correlationId: 'c-1', actor: 'ada' });
  });

  describe('with tracing on', () => {
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
    beforeAll(() => provider.register());
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('adds the W3C trace context of the current span, so that consumers can link to it', () => {
      const tracer = trace.getTracer('spec');
      const { metadata, spanContext } = tracer.startActiveSpan('POST /v1/contacts', (span) => {
        const result = runWithCorrelation({ correlationId: 'c-2' }, () => correlationMetadata());
        span.end();
        return { metadata: result, spanContext: span.spanContext() };
      });
      expect(metadata).toEqual({
        correlationId: 'c-2',
        traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-01`,
      });
    });

    it('adds nothing outside a span', () => {
      expect(runWithCorrelation({ correlationId: 'c-3' }, () => correlationMetadata())).toEqual({ correlationId: 'c-3' });
    });
  });
});
