import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** The repository (found from here whether this runs from source under jest or built under dist/). */
const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'deploy/services.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
const OUTPUT_LINES = 300;

/** A service of this repository running as its own process, the way `npm start` runs it. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  /** False once the process has exited, for whatever reason. */
  readonly running: boolean;
  /** The last lines it printed on stdout and stderr, to explain a failure. */
  output(lines?: number): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, as a crash would end it, and waits until it has exited. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test worker that dies without running afterAll must not leave services behind.
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/** The last `keep` lines a child printed on stdout and stderr (both piped), kept up to date as it prints. */
export function outputLines(child: ChildProcess, keep = OUTPUT_LINES): string[] {
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      lines.push(...parts);
      if (lines.length > keep) lines.splice(0, lines.length - keep);
    });
  }
  return lines;
}

/** A port nobody listens on right now (the service binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Spawns `node dist/services/<name>/src/main.js` (built by `npm run build`) on a free port and waits until
 * `/health/ready` answers 200. Fails with the process's output if it exits, is not ready in time, or `signal`
 * aborts the wait (another service failed to start: no use waiting for this one).
 */
export async function startService(
  name: string,
  env: NodeJS.ProcessEnv,
  { readyTimeoutMs = 90000, signal }: { readyTimeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ServiceProcess> {
  const main = join(ROOT, `dist/services/${name}/src/main.js`);
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does).`);
  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', main], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'test', SERVICE_NAME: name, PORT: String(port), SHUTDOWN_TIMEOUT: '10s', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines = outputLines(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));

  const service: ServiceProcess = {
    name,
    url: `http://127.0.0.1:${port}`,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    output: (count = 60) =>
      `--- last output of ${name} (pid ${child.pid}, exit ${child.exitCode ?? child.signalCode ?? 'running'}) ---\n${lines.slice(-count).join('\n')}`,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 12000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited before it was ready\n${service.output()}`);
    const status = await fetch(`${service.url}/health/ready`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return service;
    if (signal?.aborted) {
      await service.stop(2000);
      throw new Error(`${name}: start abandoned (${String(signal.reason)})\n${service.output()}`);
    }
    if (Date.now() > deadline) {
      await service.stop(2000);
      throw new Error(`${name} was not ready after ${readyTimeoutMs} ms (last /health/ready: ${status})\n${service.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
