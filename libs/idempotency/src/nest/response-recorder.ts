import type { ClientRequest } from 'node:http';
import type { Response } from 'express';

/** Set by Express from the body as it sends it: a replay's own send sets it again. */
const SENT_WITH_THE_BODY = 'content-length';

export interface RecordedResponse {
  readonly status: number;
  /** What the handler or the exception filter set (ETag, Location, Position-Token, Content-Type...), named as set. */
  readonly headers: Record<string, string>;
  /** Undefined when the body outgrew `maxBytes`. */
  readonly body: Buffer | undefined;
}

type Chunk = string | Uint8Array | null | undefined;
type Write = (chunk: Chunk, encoding?: BufferEncoding | (() => void), callback?: () => void) => boolean;
type End = (chunk?: Chunk | (() => void), encoding?: BufferEncoding | (() => void), callback?: () => void) => Response;

/**
 * Calls `onEnd` with the response as it is ended: status, headers and every byte written, whoever writes it (the
 * handler's return value through Nest, a handler with @Res(), a stream, or the exception filter). The end of the
 * response waits for `onEnd`, so that a client holding the response knows it is stored. Recording at `end()`
 * rather than on 'finish' keeps the response even when the client is already gone.
 */
export function recordResponse(response: Response, maxBytes: number, onEnd: (recorded: RecordedResponse) => Promise<void>): void {
  // Set before the handler ran, by middleware for this exchange (its correlation id): a retry carries its own.
  const before = new Map(response.getHeaderNames().map((name) => [name, headerText(response.getHeader(name))]));
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  const keep = (chunk: Chunk, encoding: unknown) => {
    if (chunk === null || chunk === undefined || overflow) return;
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk);
    size += bytes.length;
    if (size > maxBytes) {
      overflow = true;
      chunks.length = 0;
    } else chunks.push(bytes);
  };
  const write = response.write as unknown as Write;
  const end = response.end as unknown as End;
  const patched = response as unknown as { write: Write; end: End };
  patched.write = function (this: Response, chunk, encoding, callback) {
    keep(chunk, encoding);
    return write.call(this, chunk, encoding, callback);
  };
  patched.end = function (this: Response, chunk, encoding, callback) {
    if (typeof chunk !== 'function') keep(chunk, encoding);
    patched.write = write;
    patched.end = end;
    const recorded = {
      status: this.statusCode,
      headers: headersSetSince(this, before),
      body: overflow ? undefined : Buffer.concat(chunks),
    };
    void onEnd(recorded).finally(() => end.call(this, chunk, encoding, callback));
    return this;
  };
}

/** The headers set or changed since `before`, by the name they were set with, so that a replay sends them alike. */
function headersSetSince(response: Response, before: ReadonlyMap<string, string | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  // Node has it on every outgoing message; @types/node declares it on ClientRequest only.
  const rawNames = (response as unknown as Pick<ClientRequest, 'getRawHeaderNames'>).getRawHeaderNames();
  for (const name of rawNames) {
    const lowerCase = name.toLowerCase();
    const value = headerText(response.getHeader(name));
    if (value !== undefined && lowerCase !== SENT_WITH_THE_BODY && before.get(lowerCase) !== value) headers[name] = value;
  }
  return headers;
}

function headerText(value: number | string | string[] | undefined): string | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : String(value);
}
