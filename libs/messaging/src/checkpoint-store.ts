import { formatPosition, parsePosition, type GlobalPosition } from '@crm/eventsourcing';
import { PostgresTableStore, statementName } from '@crm/postgres';

/** Where a subscriber (the relay) durably records how far it got. */
export interface CheckpointStore {
  load(name: string): Promise<GlobalPosition | undefined>;
  save(name: string, position: GlobalPosition): Promise<void>;
}

export class PostgresCheckpointStore extends PostgresTableStore implements CheckpointStore {
  private readonly checkpoints = this.table('checkpoints');

  protected tablesDdl(): string {
    return `
      CREATE TABLE IF NOT EXISTS ${this.checkpoints} (
        name       text PRIMARY KEY,
        position   text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`;
  }

  async load(name: string): Promise<GlobalPosition | undefined> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.checkpoints} WHERE name = $1`, [
      name,
    ]);
    return rows[0] ? parsePosition(rows[0].position) : undefined;
  }

  async save(name: string, position: GlobalPosition): Promise<void> {
    await this.pool.query({
      name: statementName('checkpoint-save', this.checkpoints), // once per relay batch
      text: `INSERT INTO ${this.checkpoints} (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      values: [name, formatPosition(position)],
    });
  }
}
