import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sleep } from '@crm/eventsourcing';
import { stats, TimelineWatcher, type Stats } from './crm';
import { withCrm, type Crm } from './crm';
import { recordTarget, report } from './harness';

/**
 * Steady load, open loop (issue 14): creates sent at a fixed arrival rate, RATE/s for SECONDS, with analytics
 * running (`withCrm`). The i-th create is due at start + i/RATE and sent then, whether or not earlier ones have been
 * answered (each on a connection of its own if need be), so a stall delays no later send. Both latencies count
 * from the scheduled send time, not from when the request actually left (no coordinated omission: a stall of the
 * service, or of this process, shows in every create due during it):
 * - command: until the 201 is received;
 * - append-to-timeline: until the contact's ContactCreated entry is visible in the analytics timeline (polled in
 *   MongoDB every few ms by the contacts bench's TimelineWatcher, which adds up to a poll period and a round trip).
 * A non-201, a network error or a create not in the timeline 30 s after the last send is an error.
 *
 * Then the highest rate that still holds both p99 targets with no error: steps of STEP_SECONDS, the rate times 1.5
 * from RATE while it holds, then halving the interval between the best rate that held and the lowest that did not,
 * STEPS steps in all (0 skips the search). Each step starts from quiet services.
 */
const RATE = Number(process.env.BENCH_STEADY_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 60);
const STEP_SECONDS = Number(process.env.BENCH_STEADY_STEP_SECONDS ?? 15);
const STEPS = Number(process.env.BENCH_STEADY_STEPS ?? 5);
const WARMUP_SECONDS = 3;
// Between the timeline watcher's polls: each is a query on the Mongo-wire server, taking CPU from the services measured.
const POLL_MS = Number(process.env.BENCH_STEADY_POLL_MS ?? 50);
const TARGETS = { commandP99Ms: 50, appendP99Ms: 250 };

interface SteadyRun {
  rate: number;
  seconds: number;
  sent: number;
  /** The rate the sends really kept (this process may fall behind on a busy machine). */
  achievedRate: number;
  commandMs: Stats;
  appendToTimelineMs: Stats;
  /** How late this process sent each create (its own stalls; they count in both latencies too). */
  sendLagMs: Stats;
  errors: { status: Record<string, number>; network: number; notInTimeline: number };
  holds: boolean;
  /** The timeline watcher's polls: their mean round trip bounds, with POLL_MS, how late a visible entry is seen. */
  poll: { polls: number; meanPollRoundTripMs: number; pollSleepMs: number };
}

async function openLoop(crm: Crm, rate: number, seconds: number, from: number): Promise<SteadyRun> {
  const count = Math.max(1, Math.round(rate * seconds));
  const watcher = new TimelineWatcher(crm.timeline);
  watcher.sleepMs = POLL_MS;
  const command: number[] = [];
  const append: number[] = [];
  const sendLag: number[] = [];
  const status: Record<string, number> = {};
  let network = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let lastSent = start;
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    lastSent = performance.now();
    sendLag.push(lastSent - due);
    inFlight.push(
      crm.createContact(from + i).then(
        ({ status: code, contactId }) => {
          command.push(performance.now() - due);
          if (code !== 201 || !contactId) status[code] = (status[code] ?? 0) + 1;
          else watcher.expect(contactId, due, append);
        },
        () => void network++,
      ),
    );
  }
  await Promise.all(inFlight);
  const notInTimeline = await watcher.settle(30_000);
  await watcher.stop();
  const { polls, meanPollRoundTripMs } = watcher.summary();
  const poll = { polls, meanPollRoundTripMs, pollSleepMs: POLL_MS };
  const commandMs = stats(command);
  const appendToTimelineMs = stats(append);
  const failed = Object.values(status).reduce((a, b) => a + b, 0) + network + notInTimeline;
  return {
    rate,
    seconds,
    sent: count,
    achievedRate: Math.round(((count - 1) * 1000) / Math.max(1, lastSent - start)),
    commandMs,
    appendToTimelineMs,
    sendLagMs: stats(sendLag),
    errors: { status, network, notInTimeline },
    poll,
    holds: failed === 0 && commandMs.p99 < TARGETS.commandP99Ms && appendToTimelineMs.p99 < TARGETS.appendP99Ms,
  };
}

export async function steadyBenchmark(): Promise<void> {
  await withCrm('steady', async (crm) => {
    console.log(`steady bench: ${RATE} creates/s for ${SECONDS} s, then up to ${STEPS} steps of ${STEP_SECONDS} s`);
    let next = 1;
    const runAt = async (rate: number, seconds: number) => {
      const run = await openLoop(crm, rate, seconds, next);
      next += run.sent;
      await crm.quiet();
      return run;
    };
    await runAt(RATE, WARMUP_SECONDS);
    const main = await runAt(RATE, SECONDS);

    const steps: SteadyRun[] = [];
    let held = main.holds ? RATE : 0;
    let failedAt = main.holds ? Infinity : RATE;
    for (let step = 0; step < STEPS; step++) {
      const rate = Math.round(failedAt === Infinity ? held * 1.5 : (held + failedAt) / 2);
      if (rate <= held || rate >= failedAt || rate < 1) break;
      const run = await runAt(rate, STEP_SECONDS);
      steps.push(run);
      if (run.holds) held = rate;
      else failedAt = rate;
      console.log(
        `  ${rate}/s: ${run.holds ? 'holds' : 'does not hold'} (command p99 ${run.commandMs.p99} ms, timeline p99 ${run.appendToTimelineMs.p99} ms)`,
      );
    }

    const row = (run: SteadyRun) => ({
      'rate/s': run.rate,
      'achieved/s': run.achievedRate,
      s: run.seconds,
      'cmd p50': run.commandMs.p50,
      'cmd p99': run.commandMs.p99,
      'cmd max': run.commandMs.max,
      'timeline p50': run.appendToTimelineMs.p50,
      'timeline p99': run.appendToTimelineMs.p99,
      'timeline max': run.appendToTimelineMs.max,
      'send lag p99': run.sendLagMs.p99,
      'poll rtt': run.poll.meanPollRoundTripMs,
      errors: Object.values(run.errors.status).reduce((a, b) => a + b, 0) + run.errors.network + run.errors.notInTimeline,
      holds: run.holds ? 'yes' : 'NO',
    });
    console.log(`\nsteady creates, open loop; latency from the scheduled send (ms); timeline polled every ${POLL_MS} ms`);
    console.table([row(main), ...steps.map(row)]);

    const errors = row(main).errors;
    recordTarget({
      target: `steady ${RATE}/s for ${SECONDS} s: command p99 < ${TARGETS.commandP99Ms} ms`,
      figure: `${main.commandMs.p99} ms (p50 ${main.commandMs.p50})`,
      baseline: 'new (closed loop before: create p99 72-87 ms at 16 in flight)',
      met: main.commandMs.p99 < TARGETS.commandP99Ms,
    });
    recordTarget({
      target: `steady ${RATE}/s for ${SECONDS} s: append-to-timeline p99 < ${TARGETS.appendP99Ms} ms`,
      figure: `${main.appendToTimelineMs.p99} ms (p50 ${main.appendToTimelineMs.p50})`,
      baseline: 'new (from the response, at 50/s, before: p99 21-55 ms)',
      met: main.appendToTimelineMs.p99 < TARGETS.appendP99Ms,
    });
    recordTarget({
      target: `steady ${RATE}/s for ${SECONDS} s: no error`,
      figure: String(errors),
      baseline: '0',
      met: errors === 0,
    });
    const ceiling = failedAt === Infinity ? `>= ${held}` : `${held}-${failedAt}`;
    recordTarget({
      target: 'steady: highest rate holding both p99 targets (informative)',
      figure:
        STEPS === 0
          ? 'not searched'
          : held === 0
            ? `none held (down to ${failedAt}/s)`
            : `${held}/s (next failing: ${failedAt === Infinity ? 'none found' : `${failedAt}/s`})`,
      baseline: 'about 268/s CPU ceiling before',
    });
    report('steady (open-loop creates at a fixed rate)', [], {
      settings: { rate: RATE, seconds: SECONDS, stepSeconds: STEP_SECONDS, steps: STEPS },
      targets: TARGETS,
      main,
      search: { steps, highestHolding: held, ceiling },
      loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
    });
  });
}
