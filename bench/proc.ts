import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes and their descendants from /proc (Linux only): utime + stime of every live process in the
 * tree (all its threads), plus cutime + cstime (children it has reaped, e.g. a PostgreSQL backend that closed).
 * A process that exists at both snapshots and exits in between is counted in full by its parent's cutime, so a
 * window can overcount by the CPU such a process had used before it; the benchmarks keep their connections open.
 */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in seconds. */
  cpuSeconds: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return { pid, ppid: Number(fields[1]), cpuSeconds: (utime + stime + cutime + cstime) / TICKS_PER_SECOND };
  } catch {
    return undefined; // gone meanwhile
  }
}

function allStats(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
}

/** CPU seconds used so far by each named process tree (root pid and every descendant). */
export function treeCpuSeconds(roots: Readonly<Record<string, number>>): Record<string, number> {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  const sum = (pid: number): number =>
    (byPid.get(pid)?.cpuSeconds ?? 0) + (children.get(pid) ?? []).reduce((total, child) => total + sum(child.pid), 0);
  return Object.fromEntries(Object.entries(roots).map(([name, pid]) => [name, sum(pid)]));
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
};

/**
 * The infrastructure's processes on this machine: the PostgreSQL postmaster listening on `postgresPort` (its
 * backends are its children), and the Kafka and Mongo-wire JVMs (started by deploy/local/infra.sh, which marks
 * them `-Dcrm.infra.service=...#kafka|#mongo`; otherwise found by their main class). Missing ones are left out.
 */
export function infrastructureProcesses(postgresPort: number): Record<string, number> {
  const found: Record<string, number> = {};
  for (const { pid } of allStats()) {
    const args = cmdline(pid);
    const line = args.join(' ');
    const program = args[0]?.split('/').pop();
    // Backends and helpers rename themselves ("postgres: checkpointer"): only the postmaster's argv[0] is the binary.
    if (program === 'postgres') {
      const port = args.indexOf('-p') >= 0 ? Number(args[args.indexOf('-p') + 1]) : 5432;
      if (port === postgresPort) found.postgresql = pid;
    } else if (program === 'java' && (/crm\.infra\.service=\S*#kafka/.test(line) || line.includes('kafka.Kafka'))) {
      found.kafka = pid;
    } else if (program === 'java' && (/crm\.infra\.service=\S*#mongo/.test(line) || /mongo-java-server|MongoServer/.test(line))) {
      found['mongo-wire'] = pid;
    }
  }
  return found;
}

/** Measures the CPU each named process tree uses between start() and stop(). */
export class CpuMeter {
  private before: Record<string, number> = {};
  private startedAt = 0;

  constructor(readonly roots: Readonly<Record<string, number>>) {}

  start(): void {
    this.startedAt = performance.now();
    this.before = treeCpuSeconds(this.roots);
  }

  /** CPU seconds per tree since start(), and the wall-clock seconds of the window. */
  stop(): { cpuSeconds: Record<string, number>; seconds: number } {
    const after = treeCpuSeconds(this.roots);
    const cpuSeconds = Object.fromEntries(Object.keys(this.roots).map((name) => [name, after[name] - this.before[name]]));
    return { cpuSeconds, seconds: (performance.now() - this.startedAt) / 1000 };
  }
}
