import { PostgresTableStore, statementName } from '@crm/postgres';

/**
 * The last revision of each stream a reactor has handled, in `<schema>.reactor_positions`: an event at or below it
 * was handled before (Kafka delivered it again after a crash or a rebalance) and is skipped. Recorded after the
 * handler returned, so a crash between the two runs the handler again: its effect must be idempotent too (a
 * command with an id derived from the event, or one that changes nothing the second time).
 */
export class ReactorPositions extends PostgresTableStore {
  private readonly positions = this.table('reactor_positions');

  protected tablesDdl(): string {
    return `
      CREATE TABLE IF NOT EXISTS ${this.positions} (
        reactor    text NOT NULL,
        stream     text NOT NULL,
        revision   bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (reactor, stream)
      )`;
  }

  /** The last handled revision of each of these streams (absent: none handled). */
  async load(reactor: string, streams: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ stream: string; revision: string }>({
      name: statementName('reactor-positions-load', this.positions),
      text: `SELECT stream, revision FROM ${this.positions} WHERE reactor = $1 AND stream = ANY($2)`,
      values: [reactor, [...new Set(streams)]],
    });
    return new Map(rows.map(({ stream, revision }) => [stream, Number(revision)]));
  }

  /** Records a handled revision; never moves a stream back (two replicas during a rebalance). */
  async record(reactor: string, stream: string, revision: number): Promise<void> {
    await this.pool.query({
      name: statementName('reactor-positions-record', this.positions),
      text: `INSERT INTO ${this.positions} (reactor, stream, revision) VALUES ($1, $2, $3)
        ON CONFLICT (reactor, stream) DO UPDATE SET revision = greatest(${this.positions}.revision, EXCLUDED.revision), updated_at = now()`,
      values: [reactor, stream, revision],
    });
  }
}
