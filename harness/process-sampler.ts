// Once-a-minute (or faster) samples of every process of a long run, from /proc (Linux only): RSS, CPU
// seconds, threads and open file descriptors per named process, whose pid may change (a broker or
// driver restarted after a kill is the same role with a new pid). The soak (bench/soak.ts) and the
// always-on test tier report each process's memory trend from them as a fitted slope in MB/hour.
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_KB = 4;
const TICKS_PER_SECOND = 100;

export interface ProcessSample {
  /** ms since the epoch. */
  at: number;
  pid: number;
  rssMb: number;
  cpuSeconds: number;
  threads: number;
  fds: number;
}

/** One process's figures now, or undefined when it is gone. */
export function sampleProcess(pid: number, at = Date.now()): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i - 3]);
    // An exited process not yet reaped reads RSS 0 (produce-long's "RSS at the end" once read 0 MB): not a sample.
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    let fds = 0;
    try {
      fds = readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      // Another user's process: its fds are not ours to count.
    }
    return { at, pid, rssMb: (n(24) * PAGE_KB) / 1024, cpuSeconds: (n(14) + n(15)) / TICKS_PER_SECOND, threads: n(20), fds };
  } catch {
    return undefined;
  }
}

/**
 * Least-squares slope of RSS over time in MB/hour, from the samples after `warmupMs` of the first
 * one, over the latest pid only (a restarted process starts its own trend). Undefined with fewer
 * than three samples after warm-up.
 */
function rssSlopeMbPerHour(samples: readonly ProcessSample[], warmupMs: number): number | undefined {
  const lastPid = samples.at(-1)?.pid;
  const series = samples.filter((s) => s.pid === lastPid);
  const start = series[0]?.at;
  if (start === undefined) return undefined;
  const points = series.filter((s) => s.at - start >= warmupMs);
  if (points.length < 3) return undefined;
  const xs = points.map((p) => (p.at - start) / 3_600_000);
  const ys = points.map((p) => p.rssMb);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  if (sxx === 0) return undefined;
  return xs.reduce((a, x, i) => a + (x - mx) * ((ys[i] as number) - my), 0) / sxx;
}

export interface ProcessTrend {
  name: string;
  samples: number;
  restarts: number;
  firstRssMb: number;
  lastRssMb: number;
  peakRssMb: number;
  slopeMbPerHour?: number;
  lastThreads: number;
  lastFds: number;
}

export function processTrend(name: string, samples: readonly ProcessSample[], warmupMs: number): ProcessTrend | undefined {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last) return undefined;
  const slope = rssSlopeMbPerHour(samples, warmupMs);
  return {
    name,
    samples: samples.length,
    restarts: new Set(samples.map((s) => s.pid)).size - 1,
    firstRssMb: Math.round(first.rssMb),
    lastRssMb: Math.round(last.rssMb),
    peakRssMb: Math.round(Math.max(...samples.map((s) => s.rssMb))),
    ...(slope === undefined ? {} : { slopeMbPerHour: Math.round(slope * 10) / 10 }),
    lastThreads: last.threads,
    lastFds: last.fds,
  };
}

/**
 * Samples each named process every `everyMs` until stopped; `pids()` says which pid each name has now
 * (read again at every sample, so restarted processes are followed).
 */
export function sampleProcesses(pids: () => Record<string, number | undefined>, everyMs: number): { samples: Map<string, ProcessSample[]>; stop(): void } {
  const samples = new Map<string, ProcessSample[]>();
  const sample = () => {
    const at = Date.now();
    for (const [name, pid] of Object.entries(pids())) {
      if (pid === undefined) continue;
      const s = sampleProcess(pid, at);
      if (s) samples.set(name, [...(samples.get(name) ?? []), s]);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      sample();
    },
  };
}
