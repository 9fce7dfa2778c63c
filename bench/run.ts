import { appendBenchmark } from './append.bench';
import { cpuBenchmark } from './cpu.bench';
import { importBenchmark } from './import.bench';
import { printTargets } from './harness';
import { platformBenchmark } from './platform.bench';
import { steadyBenchmark } from './steady.bench';
import { contactsBenchmark } from './contacts.bench';
import { lagBenchmark } from './lag.bench';
import { rebuildBenchmark } from './rebuild.bench';
import { relayBenchmark } from './relay.bench';
import { salesBenchmark } from './sales.bench';

/** `npm run bench [-- name...]`: runs the named benchmarks (all by default), one after another. */
const benchmarks: Record<string, () => Promise<void>> = {
  append: appendBenchmark,
  relay: relayBenchmark,
  rebuild: rebuildBenchmark,
  lag: lagBenchmark,
  contacts: contactsBenchmark,
  sales: salesBenchmark,
  platform: platformBenchmark,
  cpu: cpuBenchmark,
  steady: steadyBenchmark,
  import: importBenchmark,
};

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in benchmarks));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  try {
    for (const name of wanted.length > 0 ? wanted : Object.keys(benchmarks)) await benchmarks[name]();
  } finally {
    // Every target measured (issue 14), together, also when a later benchmark failed.
    printTargets('targets (issue 14)');
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
