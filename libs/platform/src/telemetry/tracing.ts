import type { Request } from 'express';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_HTTP_ROUTE, ATTR_SERVICE_NAME, ATTR_URL_QUERY } from '@opentelemetry/semantic-conventions';
import { routeTemplate, UNMATCHED_ROUTE } from '../http/route-template';

let active: NodeTracerProvider | undefined;

/** Probes and scrapes every few seconds would drown the traces that matter. */
const UNTRACED_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/**
 * Whether traces are exported: when an OTLP endpoint is configured (the standard variables
 * `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and `OTEL_SDK_DISABLED` is not `true`.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * OpenTelemetry tracing over OTLP/HTTP, off unless configured (`tracingConfigured`); what is traced and why is in
 * libs/platform/README.md (Tracing) and ADR 0010. Call it before anything it instruments (pg, mongodb) is loaded.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): void {
  if (active || !tracingConfigured(env)) return;
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: `crm-${service}` }))
    .merge(detectResources({ detectors: [envDetector] })); // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  provider.register();
  active = provider;
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        // Filters and searches carry personal data (`q=ada@example.com`): no query string in a span.
        startIncomingSpanHook: (request) => (request.url?.includes('?') ? { [ATTR_URL_QUERY]: 'REDACTED' } : {}),
        // Named by route once Express has matched one (`POST /v1/contacts/:id/merge`), as the metrics are.
        applyCustomAttributesOnSpan: (span, request) => {
          const template = routeTemplate(request as Request);
          if (template === UNMATCHED_ROUTE) return;
          span.updateName(`${request.method} ${template}`);
          span.setAttribute(ATTR_HTTP_ROUTE, template);
        },
      }),
      // Only within a traced request or batch: the relay's and the consumers' polling would be noise.
      // Statements without values: SQL is parameterized, and MongoDB commands are shown with `?` for every value
      // (enhancedDatabaseReporting stays off), so no personal data reaches a span.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      new MongoDBInstrumentation({ requireParentSpan: true }),
    ],
  });
}

/** Exports the spans still buffered (graceful shutdown calls it last); nothing when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  const provider = active;
  active = undefined;
  await provider?.shutdown();
}
