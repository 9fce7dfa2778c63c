const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { unsupportedNode } = require('./node-version');

const SCRIPT = join(__dirname, 'node-version.js');
// Loaded first: the process then reports Node 20 (what the machine has, without the pinned runtime).
const AS_NODE_20 = `data:text/javascript,Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.20.2' } });`;

describe('scripts/node-version.js: the Node the scripts and tests run on', () => {
  it('refuses Node 20 by package.json "engines", saying how to get the pinned runtime', () => {
    const why = unsupportedNode('20.20.2');
    expect(why).toContain('v20.20.2');
    expect(why).toContain('>=24.11.0');
    expect(why).toContain('npm ci');
  });

  it('accepts the Node these tests run on', () => {
    expect(unsupportedNode()).toBeUndefined();
  });

  it('as `npm run runtime`: prints the runtime, or stops with exit code 1 and the reason', () => {
    const ok = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`Node.js ${process.version} (${process.execPath})`);
    const old = spawnSync(process.execPath, ['--import', AS_NODE_20, SCRIPT], { encoding: 'utf8' });
    expect(old.status).toBe(1);
    expect(old.stderr).toContain('Node.js v20.20.2');
    expect(old.stderr).toContain('is not supported');
    expect(old.stdout).toBe('');
  });
});
