/** Who sent the key, and to which endpoint: keys of different callers or endpoints never meet. */
export interface IdempotencyScope {
  /** The authenticated subject (`Principal.sub`). */
  readonly principal: string;
  /** Method and route template: `POST /v1/contacts/:id/archive`. */
  readonly endpoint: string;
  readonly key: string;
}

/** The final response to the first request, as its client got it. */
export interface StoredResponse {
  readonly status: number;
  /** The headers a replay repeats, named as the first response sent them (Content-Type, Location, ETag...). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as sent (`''` for none), or sealed with the key of `subject`. */
  readonly body: string;
  /** The data subject (a customer id) whose key sealed the body; unset when the body is stored as sent. */
  readonly subject?: string;
}

export type IdempotencyRecord =
  | { readonly state: 'in-flight'; readonly fingerprint: string }
  | { readonly state: 'completed'; readonly fingerprint: string; readonly response: StoredResponse }
  // The data subject was forgotten: the request was processed, its response is gone for good.
  | { readonly state: 'forgotten'; readonly fingerprint: string };

/** Claimed: this request runs and owns the key until it completes or releases it. Else what is there. */
export type Claim =
  { readonly claimed: true; readonly token: string } | { readonly claimed: false; readonly record: IdempotencyRecord };

export interface ClaimTerms {
  /** How long the record lives from the first request on. */
  readonly ttlMs: number;
  /** How long a claim holds without completing before a retry may take it over (its process died). */
  readonly leaseMs: number;
}

/** Where Idempotency-Key records live: PostgreSQL in services, memory in unit specs. */
export interface IdempotencyStore {
  /**
   * Takes the key atomically for the first request, else returns the record there. An expired record, or a claim
   * past its lease, counts as absent: the request takes it over.
   */
  claim(scope: IdempotencyScope, fingerprint: string, terms: ClaimTerms): Promise<Claim>;
  /** Stores the final response of a claim. False when the claim is no longer this one's (taken over, released). */
  complete(scope: IdempotencyScope, token: string, response: StoredResponse): Promise<boolean>;
  /**
   * Ends a claim whose response is about a data subject erased already (it may not be kept): the tombstone
   * `forgetSubject` would leave. False when the claim is no longer this one's.
   */
  forget(scope: IdempotencyScope, token: string, subject: string): Promise<boolean>;
  /** Gives the key up (the response was not final): a retry runs again. */
  release(scope: IdempotencyScope, token: string): Promise<void>;
  /**
   * Erasure: drops the stored responses about a data subject and leaves tombstones until they expire, so that a retry
   * is answered 410 instead of running again (a retried create would bring the person's data back). Returns how many.
   */
  forgetSubject(subject: string): Promise<number>;
  /** Deletes expired records; returns how many. */
  purgeExpired(): Promise<number>;
}
