import { createServer } from 'node:net';
import { Controller, Get, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { bootstrapHttpService, Public } from '@crm/platform/nest';
import { httpConfigSpec, loadConfig } from '@crm/platform';

/** What the service's own shutdown hooks saw (a Kafka consumer draining, say). */
const shutdownLog: string[] = [];

@Public()
@Controller('slow')
class SlowController {
  @Get()
  async slow() {
    await new Promise((resolve) => setTimeout(resolve, 300));
    shutdownLog.push('slow request finished');
    return { done: true };
  }
}

@Injectable()
class DrainingConsumer implements OnApplicationShutdown {
  onApplicationShutdown(signal?: string) {
    shutdownLog.push(`consumer drained (${signal})`);
  }
}

@Module({ controllers: [SlowController], providers: [DrainingConsumer] })
class SlowServiceModule {}

@Module({ controllers: [SlowController] })
class StatelessServiceModule {}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('bootstrapHttpService', () => {
  let exit: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  // What bootstrap installs on the process (signals, and 'disconnect' in a worker with an IPC channel) goes after each test.
  const events = ['SIGTERM', 'SIGINT', 'SIGHUP', 'disconnect'];
  const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals) as unknown[];
  const listenersBefore = new Map(events.map((event) => [event, listenersOf(event)]));

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    for (const event of events) {
      for (const listener of listenersOf(event)) {
        if (!listenersBefore.get(event)!.includes(listener)) process.removeListener(event, listener as () => void);
      }
    }
  });

  /** What bootstrap printed when it refused to start under `env`; it must have exited 1. */
  async function refusal(env: Record<string, string>): Promise<string> {
    const app = await bootstrapHttpService({
      name: 'contacts',
      loadConfig: () => loadConfig(httpConfigSpec, env),
      module: () => SlowServiceModule,
    });
    expect(app).toBeUndefined();
    expect(exit).toHaveBeenCalledWith(1);
    return stderr.mock.calls.map(([text]) => String(text)).join('');
  }

  it('stops with one message naming every bad variable, exit code 1', async () => {
    const message = await refusal({ NODE_ENV: 'production', PORT: 'eighty', LOG_LEVEL: 'silent' });
    expect(message).toMatch(/^contacts: Invalid configuration \(2 problems\)/);
    expect(message).toContain('PORT must be an integer from 1 to 65535, got "eighty"');
    expect(message).toContain('JWT_SECRET is required');
  });

  it('refuses to listen beyond loopback with the public development secret, exit code 1', async () => {
    const message = await refusal({
      NODE_ENV: 'development',
      HOST: '0.0.0.0',
      PORT: String(await freePort()),
      LOG_LEVEL: 'silent',
    });
    expect(message).toContain('JWT_SECRET is required because HOST is 0.0.0.0, not a loopback address');
  });

  it('listens on loopback only unless HOST is set', async () => {
    const port = await freePort();
    const app = await bootstrapHttpService({
      name: 'slow',
      loadConfig: () => loadConfig(httpConfigSpec, { NODE_ENV: 'test', PORT: String(port), LOG_LEVEL: 'silent' }),
      module: () => StatelessServiceModule,
    });
    try {
      expect(app!.getHttpServer().address()).toMatchObject({ address: '127.0.0.1', port });
    } finally {
      await app!.close();
    }
  });

  it('listens, then on SIGTERM stops accepting, finishes in-flight requests, runs shutdown hooks and exits 0', async () => {
    const port = await freePort();
    const env = { NODE_ENV: 'test', PORT: String(port), LOG_LEVEL: 'silent' };
    const app = await bootstrapHttpService({
      name: 'slow',
      loadConfig: () => loadConfig(httpConfigSpec, env),
      module: () => SlowServiceModule,
    });
    expect(app).toBeDefined();
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health/live`)).status).toBe(200);

    const inFlight = fetch(`${base}/slow`).then((r) => r.json());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sigterm = process.listeners('SIGTERM').find((l) => !listenersBefore.get('SIGTERM')!.includes(l));
    expect(sigterm).toBeDefined();
    sigterm!('SIGTERM');

    await expect(inFlight).resolves.toEqual({ done: true });
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
    await waitFor(() => exit.mock.calls.length > 0);
    expect(exit).toHaveBeenCalledWith(0);
    expect(shutdownLog).toEqual(['slow request finished', 'consumer drained (SIGTERM)']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
