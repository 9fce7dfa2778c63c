import { createLogger } from '../../logging/logger';
import { HealthRegistry } from './health.registry';

describe('HealthRegistry', () => {
  const lines: { msg: string; check?: string }[] = [];
  const logger = createLogger({ service: 'test', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });

  it('is ready with no checks, and when every check passes', async () => {
    const health = new HealthRegistry(logger);
    expect(await health.readiness()).toEqual({ status: 'ready', checks: {} });
    health.register('store', async () => undefined);
    expect(await health.readiness()).toMatchObject({ status: 'ready', checks: { store: { status: 'up' } } });
  });

  it('is not ready when a check fails or times out, and says which', async () => {
    const health = new HealthRegistry(logger);
    health.register('store', async () => undefined);
    health.register('kafka', async () => {
      throw new Error('broker unreachable');
    });
    health.register('mongo', () => new Promise(() => undefined), { timeoutMs: 20 });
    const report = await health.readiness();
    expect(report).toMatchObject({
      status: 'not_ready',
      checks: {
        store: { status: 'up' },
        kafka: { status: 'down', reason: 'failed' },
        mongo: { status: 'down', reason: 'timeout' },
      },
    });
    expect(report.checks.mongo.durationMs).toBeGreaterThanOrEqual(15);
  });

  it('logs a check going down once, and coming back', async () => {
    const health = new HealthRegistry(logger);
    let up = false;
    health.register('flaky', async () => {
      if (!up) throw new Error('down');
    });
    lines.length = 0;
    await health.readiness();
    await health.readiness();
    up = true;
    await health.readiness();
    expect(lines.filter((l) => l.check === 'flaky').map((l) => l.msg)).toEqual([
      'readiness check down',
      'readiness check up again',
    ]);
  });

  it('reports not ready while shutting down', async () => {
    const health = new HealthRegistry(logger);
    health.register('store', async () => undefined);
    health.beforeApplicationShutdown();
    expect(await health.readiness()).toMatchObject({ status: 'not_ready', draining: true });
  });

  it('refuses a second check with the same name', () => {
    const health = new HealthRegistry(logger);
    health.register('store', async () => undefined);
    expect(() => health.register('store', async () => undefined)).toThrow(/already registered/);
  });
});
