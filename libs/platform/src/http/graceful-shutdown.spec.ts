import { EventEmitter } from 'node:events';
import { createLogger } from '../logging/logger';
import { installGracefulShutdown, type ClosableApp } from './graceful-shutdown';

function harness(close: (signal?: string) => Promise<void>, { supervised = false } = {}) {
  const lines: { msg: string }[] = [];
  const logger = createLogger({ service: 'test', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const events: string[] = [];
  const exits: number[] = [];
  const signals = new EventEmitter();
  const app: ClosableApp = {
    getHttpServer: () => ({ close: () => events.push('http stopped accepting') }),
    close: async (signal) => {
      events.push(`app.close(${signal})`);
      await close(signal);
      events.push('app closed');
    },
  };
  installGracefulShutdown(app, {
    logger,
    timeoutMs: 1_000,
    processControl: {
      on: (signal, listener) => signals.on(signal, listener),
      once: (event, listener) => signals.once(event, listener),
      ...(supervised ? { channel: {} } : {}),
      exit: (code) => void exits.push(code),
    },
  });
  return {
    events,
    exits,
    lines,
    send: (signal: NodeJS.Signals) => signals.emit(signal, signal),
    disconnect: () => signals.emit('disconnect'),
  };
}

/** Lets the shutdown's promise chain run. */
const flush = () => jest.advanceTimersByTimeAsync(0);

describe('installGracefulShutdown', () => {
  // Fake timers: the deadline of a shutdown that never finishes must not fire after the test.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
  });

  it('stops accepting HTTP first, then closes the app, then exits 0', async () => {
    const h = harness(async () => undefined);
    h.send('SIGTERM');
    await flush();
    expect(h.events).toEqual(['http stopped accepting', 'app.close(SIGTERM)', 'app closed']);
    expect(h.exits).toEqual([0]);
  });

  it('shuts down on SIGHUP too (a closed terminal)', async () => {
    const h = harness(async () => undefined);
    h.send('SIGHUP');
    await flush();
    expect(h.events).toEqual(['http stopped accepting', 'app.close(SIGHUP)', 'app closed']);
    expect(h.exits).toEqual([0]);
  });

  it('shuts down when the supervisor that spawned it with an IPC channel is gone', async () => {
    const h = harness(async () => undefined, { supervised: true });
    h.disconnect();
    await flush();
    expect(h.events).toEqual(['http stopped accepting', 'app.close(disconnect)', 'app closed']);
    expect(h.exits).toEqual([0]);
  });

  it('forces exit 1 with a log line when draining outlasts the timeout', async () => {
    const h = harness(() => new Promise<void>(() => undefined));
    h.send('SIGINT');
    jest.advanceTimersByTime(999);
    expect(h.exits).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(h.exits).toEqual([1]);
    expect(h.lines.map((l) => l.msg)).toContain('graceful shutdown timed out: forcing exit');
  });

  it('exits at once on a second signal', async () => {
    const h = harness(() => new Promise<void>(() => undefined));
    h.send('SIGTERM');
    h.send('SIGTERM');
    await flush();
    expect(h.exits).toEqual([1]);
    expect(h.events.filter((e) => e.startsWith('app.close'))).toHaveLength(1);
  });

  it('exits 1 when a shutdown hook fails', async () => {
    const h = harness(async () => {
      throw new Error('consumer would not stop');
    });
    h.send('SIGTERM');
    await flush();
    expect(h.exits).toEqual([1]);
    expect(h.lines.map((l) => l.msg)).toContain('error during shutdown');
  });
});
