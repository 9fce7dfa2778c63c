import { SUPPORTED_NODE, unsupportedNode } from './node-version';

describe('unsupportedNode', () => {
  it('refuses Node 20, naming the version, the range and the way out', () => {
    const why = unsupportedNode('20.20.2');
    expect(why).toContain('v20.20.2 is not supported');
    expect(why).toContain(SUPPORTED_NODE);
    expect(why).toContain('npm ci');
  });

  it('refuses a Node 24 older than its first LTS release', () => {
    expect(unsupportedNode('24.10.0')).toContain('v24.10.0 is not supported');
  });

  it('accepts Node 24 LTS and later', () => {
    expect(unsupportedNode('24.11.0')).toBeUndefined();
    expect(unsupportedNode('24.22.3')).toBeUndefined();
    expect(unsupportedNode('26.12.1')).toBeUndefined();
  });

  it('accepts the Node these tests run on (npm puts the pinned runtime first on PATH)', () => {
    expect(unsupportedNode(process.versions.node)).toBeUndefined();
  });
});
