import { Client, type Pool } from 'pg';

/**
 * Wakes a reader when a transaction that NOTIFYs a channel commits (the event store's appends, scheduled timers):
 * it LISTENs on a connection of its own, opened at the first wait. A notification that arrives while nobody waits
 * is remembered, so one that lands between a reader's empty read and its wait is not lost; (re)connecting counts
 * as one too, for what was written before the LISTEN. While the connection is down (PostgreSQL restarting), waits
 * last at most `whenDisconnectedMs`, and the next wait reconnects. `channel` is at most 63 bytes (PostgreSQL's limit).
 */
export class PostgresNotificationWatcher {
  private client?: Client;
  private connecting?: Promise<void>;
  private pending = false;
  private wake?: () => void;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly whenDisconnectedMs = 10,
  ) {}

  /** Resolves once notified since the last wake-up (at once if it already was), after `timeoutMs`, or on abort. */
  async next(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || this.closed || signal?.aborted) {
      this.pending = false;
      return;
    }
    const listening = await this.listen();
    // Checked again: a notification, an abort or close() may have come while connecting.
    if (this.pending || this.closed || signal?.aborted) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = undefined;
        this.pending = false;
        resolve();
      };
      const timer = setTimeout(done, listening ? timeoutMs : Math.min(timeoutMs, this.whenDisconnectedMs));
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.connecting?.catch(() => undefined); // a connection made meanwhile ends itself (closed)
  }

  /** True once LISTENing; false while PostgreSQL cannot be reached (the caller then polls). */
  private async listen(): Promise<boolean> {
    if (this.client) return true;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    try {
      await this.connecting;
      return this.client !== undefined;
    } catch {
      return false;
    }
  }

  private async connect(): Promise<void> {
    const client = new Client(this.pool.options);
    const lost = () => {
      if (this.client === client) this.client = undefined;
      this.pending = true; // what was written meanwhile went unnoticed: read once more
      this.wake?.();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => {
      this.pending = true;
      this.wake?.();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.pending = true; // what was written before the LISTEN went unnoticed: read once more
  }
}
