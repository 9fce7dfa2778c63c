#!/usr/bin/env node
// `npm run bench`: makes sure the infrastructure runs, then runs the compiled benchmarks.
require('./node-version').requireSupportedNode();
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { ensureInfrastructure, ROOT } = require('./infra-env');

const env = { ...process.env, ...ensureInfrastructure() };
execFileSync(process.execPath, [join(ROOT, 'dist/bench/run.js'), ...process.argv.slice(2)], { stdio: 'inherit', env });
