import type { QueryResult, QueryResultRow } from 'pg';
import { PostgresNotificationWatcher, PostgresTableStore, statementName } from '@crm/postgres';

/** A timer to schedule. `id` is the caller's and deterministic (`deal-rotting:<dealId>:<stageEntry>`): it makes scheduling idempotent. */
export interface NewTimer<Payload = unknown> {
  id: string;
  /** Which handler runs it (`deal-rotting`). */
  kind: string;
  dueAt: Date;
  /** What the handler needs, as JSON. */
  payload: Payload;
}

export type TimerState = 'scheduled' | 'fired' | 'cancelled';

/** A timer as stored, for inspection (operations, tests). */
export interface TimerRecord<Payload = unknown> extends NewTimer<Payload> {
  state: TimerState;
  /** Runs started so far, including one that was cut off by a crash. */
  attempts: number;
  /** The last failure of its handler, kept after a later success. */
  lastError: string | null;
  /** The scheduler that runs it now, and until when its claim holds. */
  claimedBy: string | null;
  claimedUntil: Date | null;
  firedAt: Date | null;
}

/** A timer handed to its handler: claimed by one scheduler until its lease ends. */
export interface DueTimer<Payload = unknown> extends NewTimer<Payload> {
  /** 1 on the first run; more after failures or the crash of a scheduler that had it. */
  attempt: number;
}

/** A pool, or the client of a transaction the caller has open: schedule and cancel then commit with its writes. */
export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}

interface TimerRow {
  id: string;
  kind: string;
  due_at: Date;
  payload: unknown;
  state: TimerState;
  attempts: number;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: Date | null;
  fired_at: Date | null;
}

/**
 * Timers in `<schema>.timers`. Time is the database's (`now()`), so that every replica agrees on what is due and on
 * leases. A scheduled timer is run when `next_attempt_at` (its due time, later after a failure) has passed and no
 * live claim holds it; a claim is a scheduler's name and the end of its lease.
 */
export class PostgresTimerStore extends PostgresTableStore {
  private readonly timers = this.table('timers');
  /** NOTIFYed when a timer is scheduled, so that waiting schedulers look again (at most 63 bytes). */
  private readonly channel = `timers_scheduled_${this.schema}`.slice(0, 63);

  protected tablesDdl(): string {
    return `
      CREATE TABLE IF NOT EXISTS ${this.timers} (
        id              text PRIMARY KEY,
        kind            text NOT NULL,
        due_at          timestamptz NOT NULL,
        payload         jsonb NOT NULL,
        state           text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'fired', 'cancelled')),
        next_attempt_at timestamptz NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        last_error      text,
        claimed_by      text,
        claimed_until   timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        fired_at        timestamptz,
        cancelled_at    timestamptz
      );
      CREATE INDEX IF NOT EXISTS timers_next_attempt_at ON ${this.timers} (next_attempt_at) WHERE state = 'scheduled';
      CREATE INDEX IF NOT EXISTS timers_due_at ON ${this.timers} (due_at) WHERE state = 'scheduled'`;
  }

  /**
   * Schedules a timer unless one with its id exists, whatever that one's state: the first schedule wins. Scheduling
   * the same id again with another `dueAt`, kind or payload changes nothing (returns false): a retried command or a
   * redelivered event schedules what it did the first time, and a fired or cancelled timer never comes back. A timer
   * that must be due at another time is another occurrence, with another id (`deal-rotting:<dealId>:<n + 1>`).
   * Pass the client of an open transaction as `db` to schedule with the caller's writes. True when it was created.
   */
  async schedule<Payload>(timer: NewTimer<Payload>, db: Queryable = this.pool): Promise<boolean> {
    // The NOTIFY is delivered when the caller's transaction commits, not before.
    const { rowCount } = await db.query(
      `WITH created AS (
         INSERT INTO ${this.timers} (id, kind, due_at, payload, next_attempt_at) VALUES ($1, $2, $3, $4, $3)
         ON CONFLICT (id) DO NOTHING
         RETURNING id
       )
       SELECT pg_notify($5, '') FROM created`,
      [timer.id, timer.kind, timer.dueAt, JSON.stringify(timer.payload), this.channel],
    );
    return rowCount === 1;
  }

  /**
   * Cancels a scheduled timer; true if it was scheduled. A handler already running finishes (its effect may happen):
   * the handler's own decision should refuse what no longer applies (the deal left that stage).
   */
  async cancel(id: string, db: Queryable = this.pool): Promise<boolean> {
    const { rowCount } = await db.query(
      `UPDATE ${this.timers} SET state = 'cancelled', cancelled_at = now(), claimed_by = NULL, claimed_until = NULL
       WHERE id = $1 AND state = 'scheduled'`,
      [id],
    );
    return rowCount === 1;
  }

  async get<Payload = unknown>(id: string): Promise<TimerRecord<Payload> | undefined> {
    const { rows } = await this.pool.query<TimerRow>(
      `SELECT id, kind, due_at, payload, state, attempts, last_error, claimed_by, claimed_until, fired_at
       FROM ${this.timers} WHERE id = $1`,
      [id],
    );
    return rows[0] && recordOf<Payload>(rows[0]);
  }

  /**
   * Claims up to `limit` due timers of these kinds for `owner` until the lease ends, oldest first. SKIP LOCKED: two
   * schedulers claiming at once take different timers, neither waits for the other.
   */
  async claimDue(owner: string, kinds: readonly string[], limit: number, leaseMs: number): Promise<DueTimer[]> {
    const { rows } = await this.pool.query<Pick<TimerRow, 'id' | 'kind' | 'due_at' | 'payload' | 'attempts'>>({
      name: statementName('timers-claim', this.timers), // every poll
      text: `WITH due AS (
               SELECT id FROM ${this.timers}
                WHERE state = 'scheduled' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until <= now())
                  AND kind = ANY($2::text[])
                ORDER BY next_attempt_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED
             )
             UPDATE ${this.timers} t
                SET claimed_by = $1, claimed_until = now() + $4 * interval '1 millisecond', attempts = t.attempts + 1
               FROM due WHERE t.id = due.id
             RETURNING t.id, t.kind, t.due_at, t.payload, t.attempts`,
      values: [owner, kinds, limit, leaseMs],
    });
    return rows.map((row) => ({ id: row.id, kind: row.kind, dueAt: row.due_at, payload: row.payload, attempt: row.attempts }));
  }

  /** Extends the claims `owner` still holds on these timers; returns the ids it still holds. */
  async renewClaims(owner: string, ids: readonly string[], leaseMs: number): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE ${this.timers} SET claimed_until = now() + $3 * interval '1 millisecond'
       WHERE id = ANY($2::text[]) AND claimed_by = $1 AND state = 'scheduled'
       RETURNING id`,
      [owner, ids, leaseMs],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Marks a timer `owner` ran as fired; false if its claim was taken over or it was cancelled meanwhile. */
  async markFired(owner: string, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query({
      name: statementName('timers-fired', this.timers),
      text: `UPDATE ${this.timers} SET state = 'fired', fired_at = now(), claimed_by = NULL, claimed_until = NULL
             WHERE id = $1 AND claimed_by = $2 AND state = 'scheduled'`,
      values: [id, owner],
    });
    return rowCount === 1;
  }

  /** Records a failed run and releases the claim; the timer runs again after `retryInMs`. */
  async markFailed(owner: string, id: string, error: string, retryInMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ${this.timers}
          SET last_error = $3, next_attempt_at = now() + $4 * interval '1 millisecond', claimed_by = NULL, claimed_until = NULL
        WHERE id = $1 AND claimed_by = $2 AND state = 'scheduled'`,
      [id, owner, error, retryInMs],
    );
    return rowCount === 1;
  }

  /**
   * How long until the next timer of these kinds may be run (its due time, or its retry after a failure), if one
   * is scheduled later than now; undefined if none is.
   */
  async msUntilNextAttempt(kinds: readonly string[]): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ ms: number | null }>({
      name: statementName('timers-next', this.timers),
      text: `SELECT ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000)::float8 AS ms FROM ${this.timers}
             WHERE state = 'scheduled' AND next_attempt_at > now() AND kind = ANY($1::text[])`,
      values: [kinds],
    });
    return rows[0].ms ?? undefined;
  }

  /** Seconds since the oldest timer still scheduled fell due (of every kind); 0 when none is overdue. */
  async overdueSeconds(): Promise<number> {
    const { rows } = await this.pool.query<{ seconds: number | null }>({
      name: statementName('timers-overdue', this.timers),
      text: `SELECT extract(epoch FROM now() - min(due_at))::float8 AS seconds FROM ${this.timers}
             WHERE state = 'scheduled' AND due_at <= now()`,
    });
    return Math.max(0, rows[0].seconds ?? 0);
  }

  /** Wakes a waiting scheduler when a timer is scheduled, by any replica (LISTEN, on a connection of its own). */
  watchSchedules(whenDisconnectedMs: number): PostgresNotificationWatcher {
    return new PostgresNotificationWatcher(this.pool, this.channel, whenDisconnectedMs);
  }
}

function recordOf<Payload>(row: TimerRow): TimerRecord<Payload> {
  return {
    id: row.id,
    kind: row.kind,
    dueAt: row.due_at,
    payload: row.payload as Payload,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    claimedBy: row.claimed_by,
    claimedUntil: row.claimed_until,
    firedAt: row.fired_at,
  };
}
