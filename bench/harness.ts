import type { Kafka } from 'kafkajs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One measured thing: how many units in how many seconds. */
export interface Measurement {
  name: string;
  units: number;
  seconds: number;
  perSecond: number;
  /** Request latency, where the benchmark measures it (HTTP benchmarks). */
  latencyMs?: { p50: number; p99: number };
}

export async function measure(name: string, units: number, run: () => Promise<void>): Promise<Measurement> {
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, units, seconds, perSecond: units / seconds };
}

export interface Comparison {
  subject: Measurement;
  baseline: Measurement;
  ratio: number;
  target: number;
}

export function compare(subject: Measurement, baseline: Measurement, target: number): Comparison {
  return { subject, baseline, ratio: subject.perSecond / baseline.perSecond, target };
}

/** One target of the issue as a benchmark measured it: printed again, all together, at the end of `npm run bench`. */
export interface TargetResult {
  target: string;
  figure: string;
  /** What the figure is compared with: the same-run baseline, or the figure the issue recorded before. */
  baseline: string;
  /** Undefined: a figure the issue asks for without a target of its own. */
  met?: boolean;
}

const targetResults: TargetResult[] = [];

export function recordTarget(result: TargetResult): TargetResult {
  targetResults.push(result);
  return result;
}

/** The targets recorded so far as a table (none: nothing printed). */
export function printTargets(title = 'targets'): void {
  if (targetResults.length === 0) return;
  console.log(`\n${title}`);
  console.table(targetResults.map(({ met, ...row }) => ({ ...row, met: met === undefined ? '-' : met ? 'yes' : 'NO' })));
}

/** A same-run ratio target (subject/baseline >= target), recorded for the summary; `before` is the figure. */
export function recordRatio({ ratio, target, subject, baseline }: Comparison, before: string): Comparison & { before: string } {
  recordTarget({
    target: `${subject.name} / ${baseline.name} >= ${target}`,
    figure: ratio.toFixed(2),
    baseline: `${fmt(baseline.perSecond)}/s same run; before: ${before}`,
    met: ratio >= target,
  });
  return { subject, baseline, ratio, target, before };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Prints a table of comparisons and writes them as JSON under bench/results/. `unit` names what is counted
 * (events by default); latency columns appear when the measurements carry latencies.
 */
export function report(
  benchmark: string,
  comparisons: Comparison[],
  extra: Record<string, unknown> = {},
  { unit = 'events' }: { unit?: string } = {},
): void {
  console.log(`\n${benchmark}`);
  const latency = (m: Measurement, label: string) =>
    m.latencyMs ? { [`${label}p50 ms`]: m.latencyMs.p50.toFixed(1), [`${label}p99 ms`]: m.latencyMs.p99.toFixed(1) } : {};
  if (comparisons.length > 0)
    console.table(
      comparisons.map(({ subject, baseline, ratio, target }) => ({
        measured: subject.name,
        [`${unit}/s`]: fmt(subject.perSecond),
        ...latency(subject, ''),
        baseline: baseline.name,
        'baseline/s': fmt(baseline.perSecond),
        ...latency(baseline, 'baseline '),
        ratio: ratio.toFixed(2),
        target: `>= ${target}`,
        met: ratio >= target ? 'yes' : 'NO',
      })),
    );
  for (const [key, value] of Object.entries(extra))
    console.log(`${key}: ${typeof value === 'object' ? JSON.stringify(value) : value}`);
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${benchmark.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`);
  writeFileSync(file, JSON.stringify({ benchmark, at: new Date().toISOString(), comparisons, ...extra }, null, 2));
  console.log(`written ${file}`);
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run through \`npm run bench\`, which starts the infrastructure)`);
  return value;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Removes a benchmark's topic; best effort: a leftover bench topic only takes disk space. */
export async function deleteTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
  } catch {
    // best effort, see above
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
