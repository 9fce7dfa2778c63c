import type { Pool } from 'pg';
import { formatPosition, parsePosition, qualifiedTable, runMigration, type GlobalPosition } from '@crm/eventsourcing';

/** Where a subscriber (the relay) durably records how far it got. */
export interface CheckpointStore {
  load(name: string): Promise<GlobalPosition | undefined>;
  save(name: string, position: GlobalPosition): Promise<void>;
}

export class PostgresCheckpointStore implements CheckpointStore {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    private readonly schema = 'public',
  ) {
    this.table = qualifiedTable(schema, 'checkpoints');
  }

  async migrate(): Promise<void> {
    await runMigration(
      this.pool,
      `
      CREATE SCHEMA IF NOT EXISTS "${this.schema}";
      CREATE TABLE IF NOT EXISTS ${this.table} (
        name       text PRIMARY KEY,
        position   text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
  }

  async load(name: string): Promise<GlobalPosition | undefined> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.table} WHERE name = $1`, [name]);
    return rows[0] ? parsePosition(rows[0].position) : undefined;
  }

  async save(name: string, position: GlobalPosition): Promise<void> {
    await this.pool.query({
      name: `checkpoint-save:${this.table}`, // once per relay batch
      text: `INSERT INTO ${this.table} (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      values: [name, formatPosition(position)],
    });
  }
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, GlobalPosition>();
  async load(name: string) {
    return this.positions.get(name);
  }
  async save(name: string, position: GlobalPosition) {
    this.positions.set(name, position);
  }
}
