import { setTimeout as sleep } from 'node:timers/promises';
import { getOrCreateCounter } from '@crm/platform';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError, IdempotentResponseGoneError } from './idempotency-problems';
import type { IdempotencyScope, IdempotencyStore, StoredResponse } from './idempotency-store';

/**
 * Seals stored responses that hold personal data with the data subject's key (crypto-shredding), so that an
 * erasure also makes the stored response unreadable. The service wires it to its vault.
 */
export interface ResponseProtection {
  /** The data subject (a customer id) the response is about, or undefined when it holds no personal data. */
  subjectOf(body: unknown, response: { readonly status: number; readonly path: string }): string | undefined;
  /**
   * Null when the subject has been erased: nothing may be kept for them (an answer can name a person erased since,
   * such as an interaction logged before under the same external id). The key then keeps a tombstone: 410 on replay.
   */
  seal(subject: string, plaintext: string): Promise<string | null>;
  /** Null when the subject has been erased: the replay is then answered 410. */
  open(subject: string, sealed: string): Promise<string | null>;
}

export interface IdempotencySettings {
  /** How long a key is remembered after its first request. */
  readonly ttlMs: number;
  /** How long a retry waits for the first request still running before answering 409. */
  readonly waitTimeoutMs: number;
  /** A claim older than this without a response is taken to be dead (its process crashed), and a retry runs. */
  readonly leaseMs: number;
  /** First and longest pause between looks at a running first request. */
  readonly pollMs?: { readonly initial: number; readonly max: number };
  readonly protect?: ResponseProtection;
}

/** What the handler or the exception filter sent, captured as it ended the response. */
export interface SentResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Undefined when it could not be kept (larger than the limit). */
  readonly body: Buffer | undefined;
  readonly path: string;
}

export type Admission =
  { readonly run: true; readonly token: string } | { readonly run: false; readonly response: Omit<StoredResponse, 'subject'> };

export type Outcome = 'stored' | 'forgotten' | 'released' | 'lost';

const DEFAULT_POLL = { initial: 20, max: 250 };
const RETRY_AFTER_SECONDS = 1;

const outcomes = () =>
  getOrCreateCounter('crm_idempotency_requests_total', 'POST requests with an Idempotency-Key, by outcome', ['outcome']);

/** A status that says "try again" rather than answering: the key is released so that a retry runs. */
export const isRetryableStatus = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * The Idempotency-Key rules over a store: the first request claims the key and runs; a retry with the same
 * fingerprint gets the stored response (waiting while the first still runs); another request under the key is
 * refused. Responses that invite a retry (5xx, 408, 429) release the key; every other one is final and kept.
 */
export class IdempotentRequests {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly settings: IdempotencySettings,
  ) {}

  /** Run (the key is claimed), or the stored response to replay. Throws the 409, 410 and 422 problems. */
  async admit(scope: IdempotencyScope, fingerprint: string): Promise<Admission> {
    const deadline = Date.now() + this.settings.waitTimeoutMs;
    const poll = this.settings.pollMs ?? DEFAULT_POLL;
    for (let pause = poll.initial; ; pause = Math.min(pause * 2, poll.max)) {
      const claim = await this.store.claim(scope, fingerprint, { ttlMs: this.settings.ttlMs, leaseMs: this.settings.leaseMs });
      if (claim.claimed) {
        outcomes().inc({ outcome: 'first' });
        return { run: true, token: claim.token };
      }
      const { record } = claim;
      if (record.fingerprint !== fingerprint) {
        outcomes().inc({ outcome: 'reused' });
        throw new IdempotencyKeyReusedError();
      }
      if (record.state === 'completed') return { run: false, response: await this.opened(record.response) };
      if (record.state === 'forgotten') throw this.gone();
      const left = deadline - Date.now();
      if (left <= 0) {
        outcomes().inc({ outcome: 'in_flight' });
        throw new IdempotencyKeyInFlightError(RETRY_AFTER_SECONDS);
      }
      await sleep(Math.min(pause, left));
    }
  }

  /** Keeps the response of a claimed request, or releases the key when the response invites a retry. */
  async finish(scope: IdempotencyScope, token: string, sent: SentResponse): Promise<Outcome> {
    const text = sent.body === undefined ? undefined : utf8(sent.body);
    if (isRetryableStatus(sent.status) || text === undefined) {
      // A body too large or not text cannot be replayed as it was: better run the retry than answer differently.
      await this.store.release(scope, token);
      outcomes().inc({ outcome: text === undefined ? 'unstorable' : 'released' });
      return 'released';
    }
    try {
      const protect = this.settings.protect;
      const subject = protect?.subjectOf(jsonOf(text, headerOf(sent.headers, 'content-type')), sent);
      const body = protect && subject !== undefined ? await protect.seal(subject, text) : text;
      if (body === null) {
        // The subject is erased: as if the erasure had come just after, a retry is answered 410, never run again.
        outcomes().inc({ outcome: 'forgotten' });
        return (await this.store.forget(scope, token, subject!)) ? 'forgotten' : 'lost';
      }
      const response = { status: sent.status, headers: sent.headers, body, ...(subject !== undefined && { subject }) };
      return (await this.store.complete(scope, token, response)) ? 'stored' : 'lost';
    } catch (error) {
      // Not kept (sealing or the store failed): a retry runs again rather than waiting for the lease to pass.
      await this.store.release(scope, token).catch(() => undefined);
      throw error;
    }
  }

  release(scope: IdempotencyScope, token: string): Promise<void> {
    return this.store.release(scope, token);
  }

  private async opened(response: StoredResponse): Promise<Omit<StoredResponse, 'subject'>> {
    const { subject, ...plain } = response;
    if (subject === undefined) {
      outcomes().inc({ outcome: 'replayed' });
      return plain;
    }
    const protect = this.settings.protect;
    if (!protect) throw new Error('A stored response is sealed, but no protect hook is configured to open it');
    const body = await protect.open(subject, response.body);
    if (body === null) throw this.gone();
    outcomes().inc({ outcome: 'replayed' });
    return { ...plain, body };
  }

  private gone(): IdempotentResponseGoneError {
    outcomes().inc({ outcome: 'gone' });
    return new IdempotentResponseGoneError();
  }
}

function utf8(body: Buffer): string | undefined {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? text : undefined;
}

/** A header by its name in any case: stored responses name them as sent. */
function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

function jsonOf(text: string, contentType: string | undefined): unknown {
  if (!contentType || !/^application\/([a-z0-9.+-]+\+)?json\b/i.test(contentType)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
