import { createHash } from 'node:crypto';
import { InvalidIdempotencyKeyError } from './idempotency-problems';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on a response that repeats the stored first response. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const VISIBLE_ASCII_KEY = /^[\x21-\x7e]{1,255}$/;
/** The draft defines the value as a Structured Field sf-string; most clients send it bare. Both are accepted. */
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

/** The key of an `Idempotency-Key` header; undefined without one; InvalidIdempotencyKeyError (400) for a malformed one. */
export function idempotencyKeyFrom(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string') throw new InvalidIdempotencyKeyError();
  const quoted = SF_STRING.exec(header);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : header;
  if (!VISIBLE_ASCII_KEY.test(key)) throw new InvalidIdempotencyKeyError();
  return key;
}

/** What a request is, for telling a retry from another request under the same key. */
export interface FingerprintedRequest {
  readonly method: string;
  /** Path and query string as sent. */
  readonly url: string;
  /** Parsed JSON, a string or bytes (other media types), or undefined for none. */
  readonly body: unknown;
  /** `If-Match` as sent: a retry that names another version is another request, not the same one again. */
  readonly ifMatch?: string;
}

/**
 * SHA-256 over method, path and query, the SHA-256 of the canonical body (key order and spacing do not matter), and
 * `If-Match` when there is one.
 */
export function requestFingerprint(request: FingerprintedRequest): string {
  const body = createHash('sha256').update(canonicalBody(request.body)).digest('hex');
  const precondition = request.ifMatch === undefined ? '' : `\nIf-Match: ${request.ifMatch.trim()}`;
  return createHash('sha256').update(`${request.method.toUpperCase()} ${request.url}\n${body}${precondition}`).digest('hex');
}

function canonicalBody(body: unknown): string | Buffer {
  if (body === undefined) return '';
  if (Buffer.isBuffer(body) || typeof body === 'string') return body;
  return canonicalJson(body);
}

/** JSON with object members sorted by name (as RFC 8785 does), so equal documents give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((name) => record[name] !== undefined)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonicalJson(record[name])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
