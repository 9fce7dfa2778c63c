#!/usr/bin/env node
// `npm start`: brings up the infrastructure (natively unless endpoints are given), builds, and runs every service of
// deploy/services.json as its own process with prefixed logs. NODE_ENV=development: the services listen on 127.0.0.1
// and use the public development JWT secret and PII master key unless JWT_SECRET and PII_MASTER_KEY are set.
//
// However it is stopped, it stops what it started (the infrastructure keeps running; `npm run infra:down` stops it):
// SIGINT (Ctrl-C), SIGTERM or SIGHUP make it send one SIGTERM to each service and exit once they have drained; if
// its parent goes away (npm or its shell killed) it does the same; if it dies itself, even by SIGKILL, each service
// sees its IPC channel close and shuts down (libs/platform graceful shutdown). A service that exits on its own stops
// the others, and the exit code is 1. `<NAME>_PORT` (CONTACTS_PORT=4001) moves a service off its usual port.
require('./node-version').requireSupportedNode();
const { spawn, execFileSync } = require('node:child_process');
const { ensureInfrastructure, ROOT } = require('./infra-env');
const { mainOf, services } = require('./services');

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const PARENT_CHECK_MS = 500;

function main() {
  const children = [];
  let stopping;
  const running = (child) => child.exitCode === null && child.signalCode === null;
  const stop = (reason) => {
    // Once is enough: a second signal (Ctrl-C reaches us from the terminal and again from npm) must not cut the
    // services' drain short; each of them gives up on its own after SHUTDOWN_TIMEOUT.
    if (stopping) return;
    stopping = reason;
    log(`${reason}: stopping the services`);
    for (const child of children) if (running(child)) child.kill('SIGTERM');
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(signal));
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop('parent process gone'), PARENT_CHECK_MS).unref();

  // A signal during these synchronous steps is handled right after them: then nothing is started.
  const infra = ensureInfrastructure();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (stopping) return;

  const env = { NODE_ENV: 'development', ...process.env, ...infra };
  for (const [name, service] of Object.entries(services)) {
    const port = portOf(name, service);
    const child = spawn(process.execPath, ['--enable-source-maps', mainOf(name)], {
      cwd: ROOT,
      env: { ...env, PORT: String(port), SERVICE_NAME: name },
      // A session of its own, so that the terminal's signals reach only us (one SIGTERM each, from stop()), and an IPC
      // channel, whose closing tells the service we are gone however we died.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    children.push(child);
    for (const stream of [child.stdout, child.stderr]) prefixLines(stream, name);
    child.on('exit', (code, signal) => {
      log(`${name} exited (${signal ?? code})`);
      if (code !== 0) process.exitCode = 1;
      if (!stopping) {
        process.exitCode = 1;
        stop(`${name} exited`);
      }
    });
    log(`${name} (pid ${child.pid}) http://127.0.0.1:${port}  (API docs: http://127.0.0.1:${port}/docs)`);
  }
}

function portOf(name, { port }) {
  const variable = `${name.replace(/-/g, '_').toUpperCase()}_PORT`;
  const override = process.env[variable];
  if (override === undefined || override === '') return port;
  if (!/^\d{1,5}$/.test(override)) throw new Error(`${variable} must be a port number, got ${JSON.stringify(override)}`);
  return Number(override);
}

function log(line) {
  console.log(`[start] ${line}`);
}

function prefixLines(stream, name) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) console.log(`[${name}] ${line}`);
  });
  stream.on('end', () => rest && console.log(`[${name}] ${rest}`));
}

main();
