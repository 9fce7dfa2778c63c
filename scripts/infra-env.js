// Endpoints of the infrastructure: taken from the environment when all are given,
// otherwise `deploy/local/infra.sh up` starts what is missing and writes them to .infra/env.
const { execFileSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const KEYS = ['DATABASE_URL', 'KAFKA_BROKERS', 'MONGODB_URI'];

function readEnvFile(file) {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

function ensureInfrastructure() {
  if (KEYS.every((key) => process.env[key])) return Object.fromEntries(KEYS.map((key) => [key, process.env[key]]));
  execFileSync('bash', [join(ROOT, 'deploy/local/infra.sh'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const infraDir = process.env.CRM_INFRA_DIR || join(ROOT, '.infra');
  return readEnvFile(join(infraDir, 'env'));
}

module.exports = { ensureInfrastructure, readEnvFile, ROOT };
