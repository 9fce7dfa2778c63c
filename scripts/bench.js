#!/usr/bin/env node
// `npm run bench`: makes sure the infrastructure runs, then runs the compiled benchmarks.
require('./node-version').requireSupportedNode();
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { ensureInfrastructure, ROOT } = require('./infra-env');

// kafkajs' harmless negative timeout warning would print in the middle of the tables (scripts/known-warnings.js).
require('./known-warnings').silenceHarmlessWarnings();
const env = { ...process.env, ...ensureInfrastructure() };
execFileSync(process.execPath, [join(ROOT, 'dist/bench/run.js'), ...process.argv.slice(2)], { stdio: 'inherit', env });
