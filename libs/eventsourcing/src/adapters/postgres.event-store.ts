import { createHash } from 'node:crypto';
import type { Pool, PoolConfig, QueryResultRow } from 'pg';
import { createPool, PostgresNotificationWatcher, qualifiedTable, runMigration, statementName } from '@crm/postgres';
import { CompanionNotWrittenError, DuplicateEventIdError, WrongExpectedRevisionError } from '../errors';
import {
  NO_STREAM_REVISION,
  START,
  comparePositions,
  type AppendCompanion,
  type AppendOptions,
  type AppendResult,
  type AppendWatcher,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '../event-store';
import { revisionMatches } from '../expected-revision';
import { newId } from '../ids';
import { pollAll } from '../subscription';

export interface PostgresEventStoreOptions {
  /** A pool the caller owns, or the settings to make one. */
  pool?: Pool;
  connection?: PoolConfig;
  /** PostgreSQL schema holding the `events` table (one per service, or per test). */
  schema?: string;
  /** Wait between polls once a subscriber has caught up. */
  pollIntervalMs?: number;
}

const UNIQUE_VIOLATION = '23505';
interface EventRow extends QueryResultRow {
  event_id: string;
  stream_name: string;
  stream_revision: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  commit_id: string;
  position: string;
  /** Milliseconds since the epoch, as int8 text. */
  created_ms: string;
}

type IdentifiedEvent = NewEvent & { id: string };

/** The NOTIFY channel of a schema's `events` table (at most 63 bytes; a clash would only wake a reader for nothing). */
const appendChannelOf = (schema: string): string => `events_appended_${schema}`.slice(0, 63);

// The xid8 goes out as text under another name: an output column named transaction_id would be what
// `ORDER BY transaction_id` sorts by, as text ("1000" < "968"), skipping events once xids gain a digit.
// The time goes out as whole milliseconds (a JS Date's precision): a number is read for a quarter of the CPU
// that parsing timestamptz text costs, and every command and relay batch reads it.
const COLUMNS =
  'event_id, stream_name, stream_revision, event_type, data, metadata, transaction_id::text AS commit_id, position, ' +
  'floor(extract(epoch FROM created_at) * 1000)::int8 AS created_ms';

/**
 * Event store on PostgreSQL. One row per event; `(stream_name, stream_revision)` is unique, which
 * gives optimistic concurrency. The global order is `(transaction_id, position)` and readers only see
 * transactions older than the oldest one still open, so a transaction that commits late with a lower
 * position is never skipped (the xid8 / pg_snapshot_xmin technique).
 */
export class PostgresEventStore implements EventStore {
  readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly table: string;
  private readonly pollIntervalMs: number;
  private readonly schema: string;
  private readonly companionStatements = new Map<string, { name: string; text: string }>();
  private plainAppend?: { name: string; text: string };

  constructor(options: PostgresEventStoreOptions) {
    const schema = options.schema ?? 'public';
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? createPool(options.connection ?? {});
    this.table = qualifiedTable(schema, 'events');
    this.schema = schema;
    this.pollIntervalMs = options.pollIntervalMs ?? 20;
  }

  /** Creates the schema, table and indexes if missing; safe to run at every start. */
  async migrate(): Promise<void> {
    await runMigration(
      this.pool,
      `
      CREATE SCHEMA IF NOT EXISTS "${this.schema}";
      CREATE TABLE IF NOT EXISTS ${this.table} (
        position        bigserial PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id        uuid NOT NULL,
        stream_name     text NOT NULL,
        stream_revision bigint NOT NULL,
        event_type      text NOT NULL,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_name, stream_revision)
      );
      CREATE INDEX IF NOT EXISTS events_commit_order_idx ON ${this.table} (transaction_id, position);
      -- Readers LISTEN instead of polling (watchAppends); delivered when the appending transaction commits.
      CREATE OR REPLACE FUNCTION "${this.schema}".notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('${appendChannelOf(this.schema)}', ''); RETURN NULL; END $$;
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'events_appended' AND tgrelid = '${this.table}'::regclass) THEN
          CREATE TRIGGER events_appended AFTER INSERT ON ${this.table}
            FOR EACH STATEMENT EXECUTE FUNCTION "${this.schema}".notify_events_appended();
        END IF;
      END $$;
    `,
    );
  }

  /** Wakes a reader when an append commits (LISTEN/NOTIFY, one connection of its own per watcher). */
  watchAppends(): AppendWatcher {
    return new PostgresNotificationWatcher(this.pool, appendChannelOf(this.schema), this.pollIntervalMs);
  }

  async append(streamName: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    const rows = events.map((event) => ({ ...event, id: event.id ?? newId() }));
    const companion = options.companion?.statement;
    if (options.companion && !companion && !(await options.companion.write())) throw new CompanionNotWrittenError(streamName);
    for (;;) {
      try {
        return await this.tryAppend(streamName, rows, expected, companion);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const retried = await this.retriedAppend(streamName, rows);
        if (retried) return retried;
        // Someone else took the revision between our read and insert.
        if (expected === 'any' || expected === 'stream_exists') continue;
        throw new WrongExpectedRevisionError(streamName, expected, await this.streamRevision(streamName));
      }
    }
  }

  /**
   * One statement (one round trip): read the stream's revision, check it, insert; with a companion, its write first
   * (a CTE), and the insert only if it wrote.
   */
  private async tryAppend(
    streamName: string,
    events: readonly IdentifiedEvent[],
    expected: ExpectedRevision,
    companion?: AppendCompanion['statement'],
  ) {
    const { name, text } = companion
      ? this.appendWith(companion)
      : (this.plainAppend ??= { name: statementName('append', this.table), text: this.appendText() });
    const { rows } = await this.pool.query<{
      current: string;
      revision: string | null;
      transaction_id: string | null;
      position: string | null;
      companion_written: boolean;
    }>({
      // Named: parsed and planned once per connection, not for every append.
      name,
      text,
      values: [
        streamName,
        events.map((e) => e.id),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify(e.data)),
        events.map((e) => JSON.stringify(e.metadata ?? {})),
        typeof expected === 'number' ? 'exact' : expected,
        typeof expected === 'number' ? expected : null,
        ...(companion?.values ?? []),
      ],
    });
    const result = rows[0];
    const current = Number(result.current);
    if (result.revision !== null) {
      return {
        nextExpectedRevision: Number(result.revision),
        position: { commit: BigInt(result.transaction_id as string), prepare: BigInt(result.position as string) },
      };
    }
    if (events.length === 0 && revisionMatches(expected, current)) {
      return { nextExpectedRevision: current, position: START };
    }
    const retried = await this.retriedAppend(streamName, events);
    if (retried) return retried;
    if (revisionMatches(expected, current) && !result.companion_written) throw new CompanionNotWrittenError(streamName);
    throw new WrongExpectedRevisionError(streamName, expected, current);
  }

  /**
   * The append statement; with a companion, its write first (a CTE, its parameters after the append's seven) and the
   * insert only if it wrote.
   */
  private appendText(companion?: string): string {
    return `WITH ${companion ? `companion AS (${companion}), ` : ''}current AS (
         SELECT coalesce(max(stream_revision), -1) AS revision FROM ${this.table} WHERE stream_name = $1
       ), inserted AS (
         INSERT INTO ${this.table} (event_id, stream_name, stream_revision, event_type, data, metadata)
         SELECT e.id, $1, current.revision + e.ord, e.type, e.data, e.metadata
           FROM current, unnest($2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[]) WITH ORDINALITY AS e(id, type, data, metadata, ord)
          WHERE CASE $6::text WHEN 'any' THEN true
                              WHEN 'no_stream' THEN current.revision = -1
                              WHEN 'stream_exists' THEN current.revision >= 0
                              ELSE current.revision = $7::bigint END ${companion ? 'AND EXISTS (SELECT 1 FROM companion)' : ''}
         RETURNING stream_revision, transaction_id, position
       )
       SELECT current.revision AS current, last.stream_revision AS revision, last.transaction_id::text AS transaction_id, last.position,
              ${companion ? 'EXISTS (SELECT 1 FROM companion)' : 'true'} AS companion_written
         FROM current LEFT JOIN (SELECT * FROM inserted ORDER BY position DESC LIMIT 1) last ON true`;
  }

  /** The append with this companion, made once per companion name: PostgreSQL cuts statement names at 63 bytes, so it is named by a hash of its text. */
  private appendWith(companion: NonNullable<AppendCompanion['statement']>): { name: string; text: string } {
    let statement = this.companionStatements.get(companion.name);
    if (!statement) {
      const text = this.appendText(companion.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 7}`));
      statement = { name: `append+${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`, text };
      this.companionStatements.set(companion.name, statement);
    }
    return statement;
  }

  /** When these event ids were already appended to this stream together, returns that append's result. */
  private async retriedAppend(streamName: string, events: readonly NewEvent[]): Promise<AppendResult | undefined> {
    if (events.length === 0) return undefined;
    const ids = events.map((e) => e.id as string);
    const { rows } = await this.pool.query<EventRow>(`SELECT ${COLUMNS} FROM ${this.table} WHERE event_id = ANY($1::uuid[])`, [
      ids,
    ]);
    if (rows.length === 0) return undefined;
    const found = new Map(rows.map((row) => [row.event_id, row]));
    const first = found.get(ids[0]);
    const isSameAppend =
      first !== undefined &&
      ids.every((id, index) => {
        const row = found.get(id);
        return row?.stream_name === streamName && Number(row.stream_revision) === Number(first.stream_revision) + index;
      });
    if (!isSameAppend) throw new DuplicateEventIdError(ids.filter((id) => found.has(id)));
    const last = toRecorded(found.get(ids[ids.length - 1]) as EventRow);
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  async readStream<Data>(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent<Data>[]> {
    const backwards = options.direction === 'backwards';
    const [low, high] = backwards ? [options.toRevision, options.fromRevision] : [options.fromRevision, options.toRevision];
    const { rows } = await this.pool.query<EventRow>({
      name: statementName(`read-stream-${backwards ? 'backwards' : 'forwards'}`, this.table), // every command loads its stream
      text: `SELECT ${COLUMNS} FROM ${this.table}
        WHERE stream_name = $1
          AND ($2::bigint IS NULL OR stream_revision >= $2)
          AND ($3::bigint IS NULL OR stream_revision <= $3)
          AND ($4::timestamptz IS NULL OR created_at <= $4)
        ORDER BY stream_revision ${backwards ? 'DESC' : 'ASC'}
        LIMIT $5`,
      values: [streamName, low ?? null, high ?? null, options.until ?? null, options.maxCount ?? null],
    });
    return rows.map((row) => toRecorded<Data>(row));
  }

  async streamRevision(streamName: string): Promise<number> {
    const { rows } = await this.pool.query<{ revision: string | null }>(
      `SELECT max(stream_revision) AS revision FROM ${this.table} WHERE stream_name = $1`,
      [streamName],
    );
    return rows[0].revision === null ? NO_STREAM_REVISION : Number(rows[0].revision);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? START;
    const fromStart = comparePositions(after, START) === 0;
    const { rows } = await this.pool.query<EventRow>({
      name: statementName(`read-all${fromStart ? '-from-start' : ''}`, this.table), // every relay read
      text: `SELECT ${COLUMNS} FROM ${this.table}
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ${fromStart ? '' : 'AND (transaction_id, position) > ($2::text::xid8, $3::bigint)'}
        ORDER BY transaction_id, position
        LIMIT $1`,
      values: fromStart
        ? [options.maxCount ?? 1000]
        : [options.maxCount ?? 1000, after.commit.toString(), after.prepare.toString()],
    });
    return rows.map((row) => toRecorded(row));
  }

  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    return pollAll((after, maxCount) => this.readAll({ after, maxCount }), { idleDelayMs: this.pollIntervalMs, ...options });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === UNIQUE_VIOLATION;
}

function toRecorded<Data>(row: EventRow): RecordedEvent<Data> {
  return {
    id: row.event_id,
    streamName: row.stream_name,
    type: row.event_type,
    data: row.data as Data,
    metadata: row.metadata,
    revision: Number(row.stream_revision),
    position: { commit: BigInt(row.commit_id), prepare: BigInt(row.position) },
    recordedAt: new Date(Number(row.created_ms)),
  };
}
