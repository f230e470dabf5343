import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { alternation, ratio, spread, type Spread } from './stats.js';

/**
 * The benchmark harness: every benchmark names its contenders, the harness runs warm-ups, then at
 * least three measured repetitions with the contenders alternated within each round, and reports the
 * median (min..max) of every metric plus the ratios the benchmark asks for. Ratios are what we claim:
 * absolute figures on a shared 2-core machine are noisy, two contenders measured in the same run are not.
 */

export interface RunOptions {
  /** Small sizes and one measured repetition: proves the benchmark runs and reports, measures nothing. */
  quick: boolean;
  warmups: number;
  repetitions: number;
  /** Free-form size or settings the benchmark understands (`--set key=value`). */
  settings: Readonly<Record<string, string>>;
  log: (line: string) => void;
  signal: AbortSignal;
}

/** A whole-number `--set key=N` of at least `min` (default 1), or the fallback when it is not given. */
export function wholeSetting(settings: RunOptions['settings'], key: string, fallback: number, min = 1): number {
  const value = settings[key];
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < min) throw new Error(`--set ${key} must be a whole number >= ${min}, got ${value}`);
  return n;
}

/** What one repetition of one contender measured. `metrics` holds every figure, in its unit. */
export interface Sample {
  metrics: Record<string, number>;
  /** Anything worth keeping with the raw result (settings found, counts checked). */
  notes?: Record<string, unknown>;
}

export interface Contender<Env> {
  name: string;
  /** One repetition; throws when the run did not do the work it claims (e.g. documents missing). */
  run(env: Env, rep: { index: number; warmup: boolean }): Promise<Sample>;
}

export interface Metric {
  name: string;
  unit: string;
  /** Which way is better, for the table's arrows and for ratio direction. */
  better: 'higher' | 'lower';
}

export interface Benchmark<Env = unknown> {
  name: string;
  description: string;
  /** The metrics each contender reports; the first is the headline. */
  metrics: Metric[];
  /** Starts what the contenders share (brokers, store, preloaded topics); once per run. */
  setup(options: RunOptions): Promise<Env>;
  teardown?(env: Env): Promise<void>;
  contenders(env: Env, options: RunOptions): Contender<Env>[];
  /**
   * Ratios to report, as [numerator, denominator] contender names, with the issue's target for the
   * ratio when it has one (met when ratio >= target), on the headline metric unless `metric` names
   * another. For a lower-is-better metric, put the contender expected to be lower second.
   */
  ratios?: [numerator: string, denominator: string, target?: number, metric?: string][];
}

export interface ContenderReport {
  name: string;
  metrics: Record<string, Spread>;
  samples: Sample[];
}

export interface BenchReport {
  benchmark: string;
  description: string;
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo;
  options: Omit<RunOptions, 'log' | 'signal'>;
  metrics: Metric[];
  contenders: ContenderReport[];
  ratios: { numerator: string; denominator: string; metric: string; value: number | undefined; target?: number }[];
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  commit: string;
  /** 1-minute load average before and after: a loaded machine makes absolute figures meaningless. */
  loadBefore: number;
  loadAfter?: number;
}

const repoRoot = resolve(import.meta.dirname, '..');
export const RESULTS_DIR = join(repoRoot, 'bench', 'results');

function machineInfo(): MachineInfo {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout (a tarball): the report says so.
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    commit,
    loadBefore: loadavg()[0]!,
  };
}

export async function runBenchmark<Env>(bench: Benchmark<Env>, options: RunOptions): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  options.log(`${bench.name}: setting up`);
  const env = await bench.setup(options);
  const samples = new Map<string, Sample[]>();
  try {
    const contenders = bench.contenders(env, options);
    for (const c of contenders) samples.set(c.name, []);
    const rounds = alternation(contenders.length, options.warmups + options.repetitions);
    for (const [round, order] of rounds.entries()) {
      const warmup = round < options.warmups;
      for (const i of order) {
        options.signal.throwIfAborted();
        const contender = contenders[i]!;
        const label = warmup ? `warm-up ${round + 1}/${options.warmups}` : `repetition ${round - options.warmups + 1}/${options.repetitions}`;
        options.log(`${bench.name}: ${contender.name}, ${label}...`);
        const sample = await contender.run(env, { index: round, warmup });
        options.log(`${bench.name}: ${contender.name}, ${label}: ${formatSample(bench.metrics, sample)}`);
        if (!warmup) samples.get(contender.name)!.push(sample);
      }
    }
  } finally {
    options.log(`${bench.name}: tearing down`);
    await bench.teardown?.(env);
  }
  return buildReport(bench, options, machine, startedAt, samples);
}

/** Summaries and ratios from the collected samples (pure). */
export function buildReport<Env>(
  bench: Benchmark<Env>,
  options: RunOptions,
  machine: MachineInfo,
  startedAt: string,
  samples: Map<string, Sample[]>,
): BenchReport {
  const contenders: ContenderReport[] = [...samples].map(([name, list]) => ({
    name,
    samples: list,
    metrics: Object.fromEntries(
      bench.metrics.filter((m) => list.some((s) => m.name in s.metrics)).map((m) => [m.name, spread(list.filter((s) => m.name in s.metrics).map((s) => s.metrics[m.name]!))]),
    ),
  }));
  const headline = bench.metrics[0]!.name;
  const median = (name: string, metric: string) => contenders.find((c) => c.name === name)?.metrics[metric]?.median;
  const { log: _log, signal: _signal, ...kept } = options;
  return {
    benchmark: bench.name,
    description: bench.description,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { ...machine, loadAfter: loadavg()[0]! },
    options: kept,
    metrics: bench.metrics,
    contenders,
    ratios: (bench.ratios ?? []).map(([numerator, denominator, target, metric = headline]) => ({
      numerator,
      denominator,
      metric,
      value: ratio(median(numerator, metric), median(denominator, metric)),
      ...(target === undefined ? {} : { target }),
    })),
  };
}

const number = (value: number): string => (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3));

function formatSample(metrics: Metric[], sample: Sample): string {
  return metrics
    .filter((m) => m.name in sample.metrics)
    .map((m) => `${m.name} ${number(sample.metrics[m.name]!)} ${m.unit}`)
    .join(', ');
}

/** The report as a plain-text table: one row per contender, median (min..max) per metric, then the ratios. */
export function formatReport(report: BenchReport): string {
  const header = ['contender', ...report.metrics.map((m) => `${m.name} (${m.unit}, ${m.better} is better)`)];
  const rows = report.contenders.map((c) => [
    c.name,
    ...report.metrics.map((m) => {
      const s = c.metrics[m.name];
      return s ? `${number(s.median)} (${number(s.min)}..${number(s.max)})` : '-';
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  const lines = [
    `${report.benchmark}: ${report.description}`,
    `median (min..max) of ${report.options.repetitions} repetition(s) after ${report.options.warmups} warm-up(s); commit ${report.machine.commit}, ${report.machine.cpus} cpus, load ${report.machine.loadBefore.toFixed(1)} -> ${report.machine.loadAfter?.toFixed(1)}`,
    line(header),
    ...rows.map(line),
  ];
  for (const r of report.ratios) lines.push(`ratio ${r.numerator} / ${r.denominator} (${r.metric}): ${r.value === undefined ? 'n/a' : `${r.value.toFixed(2)}x`}${targetNote(r)}`);
  return lines.join('\n');
}

/** ", target >= 1.20x: met" (or "not met"), or nothing when the ratio has no target. */
export function targetNote(r: { value: number | undefined; target?: number }): string {
  if (r.target === undefined) return '';
  return `, target >= ${r.target.toFixed(2)}x: ${r.value !== undefined && r.value >= r.target ? 'met' : 'not met'}`;
}

/** Writes the report as JSON in bench/results (git-ignored); returns the file's path. */
export function saveReport(report: BenchReport, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.benchmark}-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
