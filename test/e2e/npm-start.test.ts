import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createKafka, deadLetterTopicOf, parseBrokers } from '@crm/messaging';
import { removeRunData } from './cleanup';
import { freePort, outputLines } from './service-process';

/**
 * `npm start` stops what it started, however it is stopped: the services it runs must not outlive it (they would keep
 * their ports, consumer groups and the relay's lease). Each case runs the real `npm start` (or its script) against the
 * running infrastructure, with ports, schema, read databases and topics of its own.
 */
const ROOT = join(__dirname, '../..');
const SERVICES = Object.keys(JSON.parse(readFileSync(join(ROOT, 'deploy/services.json'), 'utf8')) as Record<string, unknown>);
const envPrefix = (name: string) => name.replace(/-/g, '_').toUpperCase();

interface Started {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  /** The services' process ids, as start.js announced them. */
  readonly pids: number[];
  output(): string;
}

class CrmRun {
  readonly run = randomBytes(3).toString('hex');
  readonly prefix = `npmstart-${this.run}`;
  readonly schema = `npmstart_${this.run}`;
  readonly databases = SERVICES.map((name) => `npmstart_${envPrefix(name).toLowerCase()}_${this.run}`);
  private readonly started: Started[] = [];

  /** Spawns `command`, and waits until it has announced every service and each answers ready. */
  async start(command: string, args: string[]): Promise<Started> {
    const ports = await Promise.all(SERVICES.map(() => freePort()));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      KAFKA_TOPIC_PREFIX: this.prefix,
    };
    env.SUBJECT_KEYS_SCHEMA = this.schema;
    SERVICES.forEach((name, index) => {
      env[`${envPrefix(name)}_PORT`] = String(ports[index]);
      env[`${envPrefix(name)}_DB_SCHEMA`] = this.schema;
      env[`${envPrefix(name)}_READ_DB`] = this.databases[index];
    });
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = outputLines(child, 2_000);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const started: Started = { process: child, exited, pids: [], output: () => lines.slice(-80).join('\n') };
    this.started.push(started);

    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited\n${started.output()}`);
      const announced = lines.flatMap((line) => /^\[start\] \S+ \(pid (\d+)\)/.exec(line)?.[1] ?? []).map(Number);
      const ready = await Promise.all(
        ports.map((port) =>
          fetch(`http://127.0.0.1:${port}/health/ready`).then(
            (response) => response.status === 200,
            () => false,
          ),
        ),
      );
      if (announced.length === SERVICES.length && ready.every(Boolean)) {
        started.pids.push(...announced);
        return started;
      }
      await sleep(250);
    }
  }

  /** Whatever is still running is killed; then the run's data goes. */
  async cleanUp(): Promise<void> {
    for (const { process: child, pids } of this.started) {
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS ?? ''), clientId: `${this.prefix}-cleanup` });
    const topics = SERVICES.flatMap((name) => [`${this.prefix}.${name}`, deadLetterTopicOf(`${this.prefix}.${name}`)]);
    try {
      const problems = await removeRunData({
        pool,
        schemas: [this.schema],
        mongoUri: process.env.MONGODB_URI!,
        databases: this.databases,
        kafka,
        topics,
      });
      if (problems.length > 0) console.warn(`npm start clean-up left something behind:\n${problems.join('\n')}`);
    } finally {
      await pool.end();
    }
  }
}

/** Running, and not a zombie waiting for its parent to collect it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function gone(pids: readonly number[]): Promise<void> {
  while (pids.some(alive)) await sleep(100);
}

describe('npm start', () => {
  let crm: CrmRun;
  beforeEach(() => (crm = new CrmRun()));
  afterEach(() => crm.cleanUp());

  it('stopped by SIGTERM (not a terminal Ctrl-C), drains its services and exits after them', async () => {
    const npm = await crm.start('npm', ['start']);
    npm.process.kill('SIGTERM');
    await npm.exited;
    expect(npm.pids.filter(alive)).toEqual([]);
    const output = npm.output();
    expect(output).toContain('[start] SIGTERM: stopping the services');
    for (const name of SERVICES) expect(output).toContain(`[start] ${name} exited (0)`);
  }, 180_000);

  it('killed outright (SIGKILL), its services still stop: they see their IPC channel close', async () => {
    const script = await crm.start(process.execPath, ['scripts/start.js']);
    script.process.kill('SIGKILL');
    await script.exited;
    await gone(script.pids);
    expect(script.pids.filter(alive)).toEqual([]);
  }, 180_000);

  it('when npm itself is killed outright, the script notices its parent is gone and stops the services', async () => {
    const npm = await crm.start('npm', ['start']);
    npm.process.kill('SIGKILL');
    await npm.exited;
    await gone(npm.pids);
    expect(npm.pids.filter(alive)).toEqual([]);
  }, 180_000);
});
