import { Presets, SingleBar } from 'cli-progress';
import { formatDuration, progressStats } from '@crm/platform/cli/progress';
import type { ProjectionDefinition } from './projection';
import { rebuildProjection, type RebuildOptions } from './rebuild';
import type { ProjectionDeps } from './deps';

export interface RebuildCliIo {
  /** Arguments after the command: `<projection>`; defaults to `process.argv.slice(2)`. */
  argv?: readonly string[];
  stdout?: NodeJS.WritableStream;
  /** Usage, errors and the progress bar (drawn only on a terminal). */
  stderr?: NodeJS.WritableStream;
  /** Receives the exit code; defaults to setting `process.exitCode`, so open handles close first. */
  exit?: (code: number) => void;
  rebuild?: Omit<RebuildOptions, 'onProgress'>;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * The `rebuild` command of a service's CLI: rebuilds one projection, named on the command line, with
 * a progress bar, and prints how many events it took and how fast. Returns the exit code too.
 */
export async function runRebuildCli(
  projections: readonly ProjectionDefinition[],
  deps: ProjectionDeps,
  io: RebuildCliIo = {},
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const finish = (code: number): number => {
    (io.exit ?? ((value: number) => void (process.exitCode = value)))(code);
    return code;
  };
  const known = projections.map((projection) => projection.name).sort();
  const args = io.argv ?? process.argv.slice(2);
  const usage = `Usage: rebuild <projection>\nProjections: ${known.join(', ') || '(none)'}\n`;

  if (args.includes('--help') || args.includes('-h')) {
    stdout.write(usage);
    return finish(EXIT_OK);
  }
  if (args.length !== 1) {
    stderr.write(usage);
    return finish(EXIT_USAGE);
  }
  const projection = projections.find((candidate) => candidate.name === args[0]);
  if (!projection) {
    stderr.write(`Unknown projection "${args[0]}". Known projections: ${known.join(', ') || '(none)'}\n`);
    return finish(EXIT_USAGE);
  }

  const bar = new SingleBar(
    {
      format: ' {bar} {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta}',
      hideCursor: true,
      stream: stderr as NodeJS.WriteStream,
    },
    Presets.shades_classic,
  );
  let barStarted = false;
  try {
    const result = await rebuildProjection(projection, deps, {
      ...io.rebuild,
      onProgress: ({ processed, total, elapsedMs }) => {
        const { rate, etaSeconds } = progressStats(processed, total, elapsedMs);
        const payload = { speed: Math.round(rate), eta: formatDuration(etaSeconds) };
        if (!barStarted) bar.start(total, processed, payload);
        else bar.update(processed, payload);
        barStarted = true;
      },
    });
    if (barStarted) bar.stop();
    const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
    stdout.write(
      `Rebuilt ${result.projection}: ${result.events} events in ${result.seconds.toFixed(1)} s (${rate} events/s); group ${result.groupId}\n`,
    );
    return finish(EXIT_OK);
  } catch (error) {
    if (barStarted) bar.stop();
    stderr.write(`Rebuild of ${projection.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return finish(EXIT_FAILED);
  }
}
