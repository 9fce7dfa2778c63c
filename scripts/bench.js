#!/usr/bin/env node
// `npm run bench`: makes sure the infrastructure runs, then runs the compiled benchmarks.
require('./node-version').requireSupportedNode();
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { ensureInfrastructure, ROOT } = require('./infra-env');

const env = { ...process.env, ...ensureInfrastructure() };
// kafkajs' harmless negative timeout (kafkajs#1751) would print in the middle of the tables, as in jest.config.js.
const node = ['--disable-warning=TimeoutNegativeWarning', join(ROOT, 'dist/bench/run.js')];
execFileSync(process.execPath, [...node, ...process.argv.slice(2)], { stdio: 'inherit', env });
