import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from '../e2e/service-process';

/**
 * A TCP proxy in front of a server (PostgreSQL, MongoDB) that a test can cut: as if the server went away
 * (connections reset, new ones refused) and came back, for the services behind it only, while the other tests keep
 * the real server.
 */
export class CuttableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ]) {
        this.sockets.add(from);
        from.pipe(to);
        from.on('error', () => to.destroy());
        from.on('close', () => {
          this.sockets.delete(from);
          to.destroy();
        });
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  /** Resets every connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.resetAndDestroy();
    await closed;
  }
}

/** A proxy on a free port in front of the server `url` names, open, and `url` pointing at it instead. */
export async function proxied(url: string, defaultPort: number): Promise<{ proxy: CuttableProxy; url: string }> {
  const target = new URL(url);
  const proxy = new CuttableProxy(await freePort(), { host: target.hostname, port: Number(target.port || defaultPort) });
  await proxy.open();
  const through = new URL(url);
  through.hostname = '127.0.0.1';
  through.port = String(proxy.port);
  return { proxy, url: through.toString() };
}
