#!/usr/bin/env node
// `npm start`: brings up the infrastructure (natively unless endpoints are given), builds, and runs every service of
// deploy/services.json as its own process with prefixed logs. Ctrl-C stops the services (the infrastructure keeps
// running; `npm run infra:down` stops it). NODE_ENV=development: the services use the public development JWT
// secret and PII master key unless JWT_SECRET and PII_MASTER_KEY are set.
require('./node-version').requireSupportedNode();
const { spawn, execFileSync } = require('node:child_process');
const { ensureInfrastructure, ROOT } = require('./infra-env');
const { mainOf, services } = require('./services');

function main() {
  const infra = ensureInfrastructure();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const env = { NODE_ENV: 'development', ...process.env, ...infra };
  const children = Object.entries(services).map(([name, { port }]) => {
    const child = spawn(process.execPath, ['--enable-source-maps', mainOf(name)], {
      cwd: ROOT,
      env: { ...env, PORT: String(port), SERVICE_NAME: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) prefixLines(stream, name);
    child.on('exit', (code, signal) => console.log(`[${name}] exited (${signal ?? code})`));
    console.log(`[${name}] http://127.0.0.1:${port}  (API docs: http://127.0.0.1:${port}/docs)`);
    return child;
  });
  const stop = () => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM'));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function prefixLines(stream, name) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) console.log(`[${name}] ${line}`);
  });
}

main();
