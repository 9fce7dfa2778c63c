import type { Response } from 'express';

/** The headers a replay repeats: what a client reads from a create besides the body. */
export const REPLAYED_HEADERS = ['content-type', 'content-location', 'location', 'etag', 'last-modified'] as const;

export interface RecordedResponse {
  readonly status: number;
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
      headers: replayedHeadersOf(this),
      body: overflow ? undefined : Buffer.concat(chunks),
    };
    void onEnd(recorded).finally(() => end.call(this, chunk, encoding, callback));
    return this;
  };
}

function replayedHeadersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = response.getHeader(name);
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}
