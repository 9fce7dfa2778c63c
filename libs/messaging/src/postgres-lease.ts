import { Client, type ClientConfig } from 'pg';
import { sleep } from '@crm/eventsourcing';

/**
 * Leadership through a PostgreSQL session advisory lock held on a dedicated connection.
 * When the holder dies its connection drops and PostgreSQL releases the lock, so a waiting
 * replica takes over; when the holder loses its connection, `lost` aborts and it must stop.
 */
export class PostgresLease {
  private client?: Client;
  private lostController = new AbortController();

  constructor(
    private readonly connection: ClientConfig,
    private readonly name: string,
    private readonly retryIntervalMs = 1000,
  ) {}

  /** Aborts when the held lease is lost. */
  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  /** Waits until the lease is held, or the signal aborts (then returns false). */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    while (!signal?.aborted) {
      const client = new Client(this.connection);
      try {
        await client.connect();
        const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS held', [
          `lease:${this.name}`,
        ]);
        if (rows[0].held) {
          this.hold(client);
          return true;
        }
      } catch {
        // The database is unreachable: try again later like any other waiting replica.
      }
      await client.end().catch(() => undefined);
      await sleep(this.retryIntervalMs, signal);
    }
    return false;
  }

  private hold(client: Client): void {
    this.client = client;
    this.lostController = new AbortController();
    const lose = () => this.lostController.abort(new Error(`Lease ${this.name} lost`));
    client.on('error', lose);
    client.on('end', lose);
    // A silent network loss is noticed by a periodic probe.
    const probe = setInterval(() => client.query('SELECT 1').catch(lose), 5000);
    probe.unref();
    this.lostController.signal.addEventListener('abort', () => clearInterval(probe), { once: true });
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    this.lostController.abort(new Error(`Lease ${this.name} released`));
    await client.end().catch(() => undefined);
  }
}
