import { PassThrough } from 'node:stream';
import { EXIT_OK, EXIT_USAGE, runRebuildCli } from './cli';
import { defineProjection } from './projection';
import type { ProjectionDeps } from './deps';
import { ActivityRecorded } from '../test/activity';

const projection = (name: string) =>
  defineProjection({
    name,
    collection: name.replace(/-/g, '_'),
    handles: [ActivityRecorded],
    documentId: () => undefined,
    evolve: () => null,
  });
const projections = [projection('timeline'), projection('contact-list')];
// The paths under test stop before any I/O: a dependency touched would throw.
const unreachable = new Proxy(
  {},
  {
    get: () => {
      throw new Error('no I/O expected');
    },
  },
) as ProjectionDeps;

async function run(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const exit = jest.fn();
  const code = await runRebuildCli(projections, unreachable, { argv, stdout, stderr, exit });
  return { code, exit, out: String(stdout.read() ?? ''), err: String(stderr.read() ?? '') };
}

describe('runRebuildCli', () => {
  it('rejects an unknown projection, naming the known ones', async () => {
    const { code, exit, err } = await run(['timline']);
    expect(code).toBe(EXIT_USAGE);
    expect(exit).toHaveBeenCalledWith(EXIT_USAGE);
    expect(err).toBe('Unknown projection "timline". Known projections: contact-list, timeline\n');
  });

  it('prints the usage without exactly one projection name', async () => {
    for (const argv of [[], ['timeline', 'contact-list']]) {
      const { code, err } = await run(argv);
      expect(code).toBe(EXIT_USAGE);
      expect(err).toContain('Usage: rebuild <projection>\nProjections: contact-list, timeline');
    }
  });

  it('prints the usage on stdout for --help', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('Usage: rebuild <projection>');
  });
});
