#!/usr/bin/env node
// The npm registry this project's machines reach serves only the Linux x64 builds of packages with
// per-platform binaries (@swc/core-*, ...). `npm install` then leaves the other platforms' optional
// packages out of package-lock.json, and `npm ci` refuses the lockfile ("Missing: ... from lock
// file"). This adds a stub entry (version, optional) for each; `npm ci` skips them when they cannot
// be fetched. Run after any `npm install` that changes the lockfile: `npm run lockfile:fix`.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const file = join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    lock.packages[hoisted] = { version, optional: true };
    added++;
  }
}
if (added > 0) writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform stub(s) added`);
