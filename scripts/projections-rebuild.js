#!/usr/bin/env node
// `npm run projections:rebuild -- <name>`: finds the service that owns the projection and runs its
// rebuild command (progress bar, events/s, ETA) against the running infrastructure.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { ensureInfrastructure, ROOT } = require('./infra-env');
const services = require('../deploy/services.json');

const name = process.argv[2];
const owners = Object.entries(services).flatMap(([service, { projections = [] }]) =>
  projections.map((projection) => [projection, service]),
);
const owner = owners.find(([projection]) => projection === name)?.[1];
if (!owner) {
  process.stderr.write(
    `${name ? `Unknown projection "${name}". ` : ''}Usage: npm run projections:rebuild -- <name>\nKnown: ${owners.map(([p, s]) => `${p} (${s})`).join(', ')}\n`,
  );
  process.exit(2);
}
const env = { NODE_ENV: 'development', ...process.env, ...ensureInfrastructure() };
const result = spawnSync(process.execPath, [join(ROOT, `dist/services/${owner}/src/cli/rebuild.js`), name], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
