import { randomUUID } from 'node:crypto';
import { PostgresTableStore } from '@crm/postgres';
import type {
  Claim,
  ClaimTerms,
  IdempotencyRecord,
  IdempotencyScope,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store';

interface RecordRow {
  fingerprint: string;
  state: IdempotencyRecord['state'];
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
  subject_id: string | null;
}

const PURGE_BATCH = 1000;

/**
 * Records in `<schema>.idempotency_keys`, one per (principal, endpoint, key). Time is the database's, so that
 * every replica agrees on leases and expiry. The body column holds the response as sent, or sealed text.
 */
export class PostgresIdempotencyStore extends PostgresTableStore implements IdempotencyStore {
  private readonly keys = this.table('idempotency_keys');

  protected tablesDdl(): string {
    return `
      CREATE TABLE IF NOT EXISTS ${this.keys} (
        principal       text NOT NULL,
        endpoint        text NOT NULL,
        idempotency_key text NOT NULL,
        fingerprint     text NOT NULL,
        state           text NOT NULL CHECK (state IN ('in-flight', 'completed', 'forgotten')),
        claim_token     uuid NOT NULL,
        locked_until    timestamptz,
        status          smallint,
        headers         jsonb,
        body            text,
        subject_id      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz NOT NULL,
        PRIMARY KEY (principal, endpoint, idempotency_key),
        CHECK ((state = 'completed') = (status IS NOT NULL AND body IS NOT NULL))
      );
      CREATE INDEX IF NOT EXISTS idempotency_keys_expires_at ON ${this.keys} (expires_at);
      CREATE INDEX IF NOT EXISTS idempotency_keys_subject_id ON ${this.keys} (subject_id) WHERE subject_id IS NOT NULL`;
  }

  async claim(scope: IdempotencyScope, fingerprint: string, terms: ClaimTerms): Promise<Claim> {
    for (;;) {
      const token = randomUUID();
      // One statement: insert, or take over an expired record or an abandoned claim; nothing returned otherwise.
      const claimed = await this.pool.query(
        `INSERT INTO ${this.keys} AS k (principal, endpoint, idempotency_key, fingerprint, state, claim_token, locked_until, expires_at)
         VALUES ($1, $2, $3, $4, 'in-flight', $5, now() + $6 * interval '1 millisecond', now() + $7 * interval '1 millisecond')
         ON CONFLICT (principal, endpoint, idempotency_key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, state = 'in-flight', claim_token = EXCLUDED.claim_token,
               locked_until = EXCLUDED.locked_until, status = NULL, headers = NULL, body = NULL, subject_id = NULL,
               created_at = now(), expires_at = EXCLUDED.expires_at
           WHERE k.expires_at <= now() OR (k.state = 'in-flight' AND k.locked_until <= now())
         RETURNING claim_token`,
        [scope.principal, scope.endpoint, scope.key, fingerprint, token, terms.leaseMs, terms.ttlMs],
      );
      if (claimed.rowCount === 1) return { claimed: true, token };
      const { rows } = await this.pool.query<RecordRow>(
        `SELECT fingerprint, state, status, headers, body, subject_id FROM ${this.keys}
         WHERE principal = $1 AND endpoint = $2 AND idempotency_key = $3 AND expires_at > now()`,
        [scope.principal, scope.endpoint, scope.key],
      );
      // Gone between the two statements (released, or expired just now): claim again.
      if (rows[0]) return { claimed: false, record: recordOf(rows[0]) };
    }
  }

  async complete(scope: IdempotencyScope, token: string, response: StoredResponse): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.keys} SET state = 'completed', locked_until = NULL, status = $5, headers = $6, body = $7, subject_id = $8
       WHERE principal = $1 AND endpoint = $2 AND idempotency_key = $3 AND claim_token = $4 AND state = 'in-flight'`,
      [
        scope.principal,
        scope.endpoint,
        scope.key,
        token,
        response.status,
        JSON.stringify(response.headers),
        response.body,
        response.subject ?? null,
      ],
    );
    return rowCount === 1;
  }

  async forget(scope: IdempotencyScope, token: string, subject: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.keys} SET state = 'forgotten', locked_until = NULL, subject_id = $5
       WHERE principal = $1 AND endpoint = $2 AND idempotency_key = $3 AND claim_token = $4 AND state = 'in-flight'`,
      [scope.principal, scope.endpoint, scope.key, token, subject],
    );
    return rowCount === 1;
  }

  async release(scope: IdempotencyScope, token: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM ${this.keys}
       WHERE principal = $1 AND endpoint = $2 AND idempotency_key = $3 AND claim_token = $4 AND state = 'in-flight'`,
      [scope.principal, scope.endpoint, scope.key, token],
    );
  }

  async forgetSubject(subject: string): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.keys} SET state = 'forgotten', status = NULL, headers = NULL, body = NULL
       WHERE subject_id = $1 AND state = 'completed'`,
      [subject],
    );
    return rowCount ?? 0;
  }

  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (;;) {
      // In batches: one huge DELETE would hold its locks and bloat WAL in one go.
      const { rowCount } = await this.pool.query(
        `DELETE FROM ${this.keys} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${this.keys} WHERE expires_at <= now() LIMIT $1))`,
        [PURGE_BATCH],
      );
      purged += rowCount ?? 0;
      if ((rowCount ?? 0) < PURGE_BATCH) return purged;
    }
  }
}

function recordOf(row: RecordRow): IdempotencyRecord {
  if (row.state === 'in-flight' || row.state === 'forgotten') return { state: row.state, fingerprint: row.fingerprint };
  const response: StoredResponse = {
    status: row.status ?? 0,
    headers: row.headers ?? {},
    body: row.body ?? '',
    ...(row.subject_id !== null && { subject: row.subject_id }),
  };
  return { state: 'completed', fingerprint: row.fingerprint, response };
}
