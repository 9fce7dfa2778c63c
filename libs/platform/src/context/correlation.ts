import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation } from '@opentelemetry/api';
import type { Principal } from '../auth/principal';

/** What ties an action to the request (or message) that caused it; copied into event metadata. */
export interface CorrelationContext {
  readonly correlationId: string;
  readonly causationId?: string;
  /** Who acts: the authenticated subject, or a service name. */
  readonly actor?: string;
}

interface ContextStore {
  readonly correlationId: string;
  readonly causationId?: string;
  actor?: string;
  principal?: Principal;
}

const storage = new AsyncLocalStorage<ContextStore>();

/** Runs `fn` (and everything it awaits) within `context`: HTTP requests, Kafka handlers, jobs. */
export function runWithCorrelation<T>(context: CorrelationContext, fn: () => T): T {
  return storage.run({ ...context }, fn);
}

/** The context in progress, to resume in a callback that may run outside it (a response's `close`); opaque. */
export type CapturedCorrelation = { readonly __capturedCorrelation: never };

/** Captures the context in progress (the same object: what is set on it later, the principal, is seen too). */
export function captureCorrelation(): CapturedCorrelation | undefined {
  return storage.getStore() as CapturedCorrelation | undefined;
}

/** Runs `fn` within a captured context; with none, as it is. Cheaper than binding a callback per request. */
export function resumeCorrelation<T>(context: CapturedCorrelation | undefined, fn: () => T): T {
  return context === undefined ? fn() : storage.run(context as unknown as ContextStore, fn);
}

/** The correlation of the work in progress, or undefined outside any request or handler. */
export function currentCorrelation(): CorrelationContext | undefined {
  const store = storage.getStore();
  if (!store) return undefined;
  return withoutUndefined({ correlationId: store.correlationId, causationId: store.causationId, actor: store.actor });
}

/** What an event's metadata carries of the work that caused it (a type, not an interface: it fits EventMetadata's index signature). */
export type CorrelationMetadata = {
  correlationId?: string;
  causationId?: string;
  actor?: string;
  /** W3C trace context, when tracing is on. */
  traceparent?: string;
  tracestate?: string;
};

/**
 * The correlation fields for EventMetadata: `{ ...correlationMetadata(), schemaVersion: 1 }`; with tracing on, also the
 * current trace context (`traceparent`, `tracestate`), so that the spans of the event's consumers link to the request.
 * Empty outside a context.
 */
export function correlationMetadata(): CorrelationMetadata {
  const trace: Pick<CorrelationMetadata, 'traceparent' | 'tracestate'> = {};
  propagation.inject(context.active(), trace); // nothing without a registered propagator (tracing off)
  return { ...currentCorrelation(), ...trace };
}

/** The authenticated caller of the current HTTP request, if any. */
export function currentPrincipal(): Principal | undefined {
  return storage.getStore()?.principal;
}

/** Records the authenticated caller in the current context (done by the auth guard). */
export function setPrincipal(principal: Principal): void {
  const store = storage.getStore();
  if (!store) return;
  store.principal = principal;
  store.actor = principal.sub;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
