import { randomUUID } from 'node:crypto';
import type {
  Claim,
  ClaimTerms,
  IdempotencyRecord,
  IdempotencyScope,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store';

interface Entry {
  record: IdempotencyRecord;
  token: string;
  lockedUntil: number;
  expiresAt: number;
}

/** For unit specs and services running without PostgreSQL (EVENT_STORE=memory). One process only. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(scope: IdempotencyScope, fingerprint: string, terms: ClaimTerms): Promise<Claim> {
    const id = idOf(scope);
    const now = this.now();
    const entry = this.entries.get(id);
    const abandoned = entry !== undefined && entry.record.state === 'in-flight' && entry.lockedUntil <= now;
    if (entry && entry.expiresAt > now && !abandoned) return { claimed: false, record: entry.record };
    const token = randomUUID();
    this.entries.set(id, {
      record: { state: 'in-flight', fingerprint },
      token,
      lockedUntil: now + terms.leaseMs,
      expiresAt: now + terms.ttlMs,
    });
    return { claimed: true, token };
  }

  async complete(scope: IdempotencyScope, token: string, response: StoredResponse): Promise<boolean> {
    const entry = this.ownClaim(scope, token);
    if (!entry) return false;
    entry.record = { state: 'completed', fingerprint: entry.record.fingerprint, response: structuredClone(response) };
    return true;
  }

  async forget(scope: IdempotencyScope, token: string, _subject: string): Promise<boolean> {
    const entry = this.ownClaim(scope, token);
    if (!entry) return false;
    entry.record = { state: 'forgotten', fingerprint: entry.record.fingerprint };
    return true;
  }

  async release(scope: IdempotencyScope, token: string): Promise<void> {
    if (this.ownClaim(scope, token)) this.entries.delete(idOf(scope));
  }

  async forgetSubject(subject: string): Promise<number> {
    let forgotten = 0;
    for (const entry of this.entries.values()) {
      if (entry.record.state === 'completed' && entry.record.response.subject === subject) {
        entry.record = { state: 'forgotten', fingerprint: entry.record.fingerprint };
        forgotten++;
      }
    }
    return forgotten;
  }

  async purgeExpired(): Promise<number> {
    const now = this.now();
    let purged = 0;
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(id);
        purged++;
      }
    }
    return purged;
  }

  /** How many records there are, expired or not (for specs). */
  get size(): number {
    return this.entries.size;
  }

  private ownClaim(scope: IdempotencyScope, token: string): Entry | undefined {
    const entry = this.entries.get(idOf(scope));
    return entry && entry.token === token && entry.record.state === 'in-flight' ? entry : undefined;
  }
}

const idOf = (scope: IdempotencyScope) => JSON.stringify([scope.principal, scope.endpoint, scope.key]);
