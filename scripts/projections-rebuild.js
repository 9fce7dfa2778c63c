#!/usr/bin/env node
// `npm run projections:rebuild -- <name>`: finds the service whose declaration holds the projection (each service's
// `main.js projections` lists them) and runs its `main.js rebuild <name>` (progress bar, events/s, ETA) against the
// running infrastructure.
require('./node-version').requireSupportedNode();
const { execFileSync, spawnSync } = require('node:child_process');
const { ensureInfrastructure } = require('./infra-env');
const { mainOf, services } = require('./services');

const name = process.argv[2];
const env = { NODE_ENV: 'development', ...process.env, ...ensureInfrastructure() };
const owners = Object.keys(services).flatMap((service) =>
  execFileSync(process.execPath, [mainOf(service), 'projections'], { env, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((projection) => [projection, service]),
);
const owner = owners.find(([projection]) => projection === name)?.[1];
if (!owner) {
  process.stderr.write(
    `${name ? `Unknown projection "${name}". ` : ''}Usage: npm run projections:rebuild -- <name>\nKnown: ${owners.map(([p, s]) => `${p} (${s})`).join(', ')}\n`,
  );
  process.exit(2);
}
const result = spawnSync(process.execPath, [mainOf(owner), 'rebuild', name], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
