import { readdirSync, readFileSync } from 'node:fs';

/**
 * Peak RSS and CPU seconds per service, read from /proc (Linux only): each service is the process tree
 * under its recorded pid (a JVM may fork helpers), our own processes are this Node process and its
 * children. Sampling every `everyMs` misses peaks shorter than that; CPU seconds are exact (kernel
 * counters, including children that were reaped).
 */

const PAGE_KB = 4;
/** USER_HZ: clock ticks per second in /proc/<pid>/stat; 100 on every Linux we run on. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** user + system time of the process and of its reaped children, in ticks. */
  ticks: number;
  rssKb: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i - 3]);
    return { ppid: n(4), ticks: n(14) + n(15) + n(16) + n(17), rssKb: n(24) * PAGE_KB };
  } catch {
    return undefined;
  }
}

function allStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  return stats;
}

/**
 * The pids of `root`'s tree (itself and every descendant) among `stats`, not descending into `exclude`
 * (services started by this process are its children but are counted on their own).
 */
function processTree(root: number, stats: ReadonlyMap<number, { ppid: number }>, exclude: ReadonlySet<number> = new Set()): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const tree: number[] = [];
  const visit = (pid: number) => {
    if (!stats.has(pid) || tree.includes(pid) || (pid !== root && exclude.has(pid))) return;
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

export interface ServiceFootprint {
  peakRssMb: number;
  cpuSeconds: number;
}

/** Samples the given process trees until stopped; `stop()` returns each one's peak RSS and CPU seconds. */
export function sampleFootprint(roots: Record<string, number>, everyMs = 500): { stop(): Record<string, ServiceFootprint> } {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const peak = new Map<string, number>();
  const sample = () => {
    const stats = allStats();
    const rootPids = new Set(Object.values(roots));
    for (const [name, root] of Object.entries(roots)) {
      const tree = processTree(root, stats, rootPids);
      if (!tree.length) continue;
      const ticks = tree.reduce((sum, pid) => sum + stats.get(pid)!.ticks, 0);
      const rss = tree.reduce((sum, pid) => sum + stats.get(pid)!.rssKb, 0);
      if (!first.has(name)) first.set(name, ticks);
      last.set(name, ticks);
      peak.set(name, Math.max(peak.get(name) ?? 0, rss));
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return Object.fromEntries(
        Object.keys(roots)
          .filter((name) => first.has(name))
          .map((name) => [name, { peakRssMb: Math.round((peak.get(name) ?? 0) / 1024), cpuSeconds: ((last.get(name) ?? 0) - (first.get(name) ?? 0)) / TICKS_PER_SECOND }]),
      );
    },
  };
}

/** Footprints as flat metrics: `<service>_rss_mb`, `<service>_cpu_s`, plus the totals. */
export function footprintMetrics(footprints: Record<string, ServiceFootprint>): Record<string, number> {
  const metrics: Record<string, number> = {};
  let rss = 0;
  let cpu = 0;
  for (const [name, f] of Object.entries(footprints)) {
    metrics[`${name}_rss_mb`] = f.peakRssMb;
    metrics[`${name}_cpu_s`] = f.cpuSeconds;
    rss += f.peakRssMb;
    cpu += f.cpuSeconds;
  }
  return { ...metrics, total_rss_mb: rss, total_cpu_s: cpu };
}
