// `npm run soak -- --duration 2h [--rate N] [--cluster] [--chaos] [--quick]`: the whole pipeline
// detached at a steady rate for a long time, on a runtime of its own (state dir .streamline/test/soak,
// ports 1050 above the integration block plus STREAMLINE_TEST_PORT_OFFSET), with the dashboard
// collector on. Once a minute it samples RSS, CPU, threads and open fds of every process (producer,
// brokers, Spark driver, master, workers and executors, store, stream supervisor, this runner with the
// dashboard collector), Kafka lag and the slowest batch. `--chaos` kills a broker, kills the driver
// and stops the store for 60 s at random (seeded) times. At the end: every acknowledged user in every
// collection exactly once with the content the producer sent (the ack log's digests), each process's
// RSS slope after warm-up, lag bounded; SOAK.md (table) and docs/soak.png (RSS and lag over time).
// Exit 1 when the data is not exact or (full runs) a slope is 20 MB/hour or more.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import * as echarts from 'echarts';
import { parseDuration } from '../src/cli/flags.js';
import type { StreamlineConfig } from '../src/config/index.js';
import { pipelineStreaming } from '../src/app/streaming.js';
import { builtinPipeline, Collector } from '../src/dashboard/index.js';
import { down, readRecord, recordedNodes, up } from '../src/runtime/index.js';
import { deriveSeed, seededRandom } from '../src/source/index.js';
import { checkDelivery, missingFromStore } from '../faults/checker.js';
import { readAckLog, readStore } from '../faults/store.js';
import { ensureChromium } from '../harness/chromium.js';
import { eventually } from '../harness/poll.js';
import { testRuntimeConfig } from '../harness/runtime.js';
import { svgToPng } from './chart.js';
import { processTrend, sampleProcess, type ProcessSample, type ProcessTrend } from '../harness/process-sampler.js';
import { spawnCli } from '../harness/cli.js';
import { parseToolCommandLine } from '../harness/command-line.js';

const repoRoot = resolve(import.meta.dirname, '..');
const SLOPE_LIMIT_MB_PER_HOUR = 20;

interface Flags {
  duration?: number;
  rate: number;
  cluster?: boolean;
  chaos?: boolean;
  quick?: boolean;
  seed: string;
  out?: string;
}

const log = (message: string) => process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const gitCommit = (): string => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

/** Runs the CLI as a user would, with the soak's config file; resolves with the exit code and output. */
function cli(args: string[], configFile: string, logFile?: string): { pid: number; done: Promise<{ code: number | null; output: string }> } {
  const out = logFile ? openSync(logFile, 'a') : 'pipe';
  const child = spawnCli([...args, '-c', configFile], { stdio: ['ignore', out, out] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolveDone) => child.on('close', (code) => resolveDone({ code, output })));
  if (typeof out === 'number') void done.finally(() => closeSync(out));
  return { pid: child.pid as number, done };
}

/** The pids of the children of `parents` (executors of the workers), from /proc. */
function childrenOf(parents: number[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parents.includes(ppid)) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}


interface Tick {
  at: number;
  lag: number | null;
  slowestBatchMs: number | null;
}

/** RSS of every process and the total lag over time, as an SVG (ECharts server-side), for docs/soak.png. */
function soakChartSvg(samples: Map<string, ProcessSample[]>, ticks: Tick[], t0: number): string {
  const minutes = (at: number) => Number(((at - t0) / 60_000).toFixed(2));
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 1000, height: 560 });
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    title: { text: 'soak: RSS per process (MB) and Kafka lag (records)', left: 'center', textStyle: { fontSize: 15 } },
    legend: { bottom: 0, type: 'scroll' },
    grid: { left: 70, right: 80, top: 45, bottom: 70 },
    xAxis: { type: 'value', name: 'minutes', nameLocation: 'middle', nameGap: 25 },
    yAxis: [
      { type: 'value', name: 'RSS MB' },
      { type: 'value', name: 'lag', splitLine: { show: false } },
    ],
    series: [
      ...[...samples].map(([name, points]) => ({ name, type: 'line', showSymbol: false, data: points.map((p) => [minutes(p.at), Math.round(p.rssMb)]) })),
      { name: 'lag', type: 'line', yAxisIndex: 1, showSymbol: false, lineStyle: { type: 'dashed' }, data: ticks.map((t) => [minutes(t.at), t.lag]) },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function soakMarkdown(r: { flags: Flags; command: string; commit: string; startedAt: string; finishedAt: string; trends: ProcessTrend[]; check: ReturnType<typeof checkDelivery>; maxLag: number; endLag: number | null; chaos: string[]; exact: boolean; slopeOk: boolean }): string {
  const highest = [...r.trends].filter((t) => t.slopeMbPerHour !== undefined).sort((a, b) => (b.slopeMbPerHour ?? 0) - (a.slopeMbPerHour ?? 0))[0];
  return [
    '# Soak',
    '',
    'Generated by `npm run soak` (bench/soak.ts); how it works: docs/always-on.md, "Soak".',
    '',
    `- command: \`${r.command}\``,
    `- commit ${r.commit}; ${r.startedAt} .. ${r.finishedAt}`,
    `- machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    `- rate ${r.flags.rate} users/s, ${r.flags.cluster ? 'cluster mode' : 'single node'}, chaos: ${r.chaos.length ? r.chaos.join('; ') : 'none'}`,
    '',
    `**Data: ${r.exact ? 'exact' : 'NOT exact'}.** ${r.check.users} users acknowledged (${r.check.produced} records), lost ${r.check.lost}, duplicated ${r.check.duplicated}, unexpected ${r.check.unexpected}, content checked ${r.check.contentChecked} / mismatched ${r.check.contentMismatches}, users acknowledged on some topics only ${r.check.partialUsers}, producer re-sends absorbed ${r.check.producerDuplicates}.`,
    `**Lag:** at most ${r.maxLag} records, ${r.endLag ?? 'unknown'} at the end.`,
    `**Memory:** every slope after warm-up ${r.slopeOk ? `under ${SLOPE_LIMIT_MB_PER_HOUR}` : `NOT under ${SLOPE_LIMIT_MB_PER_HOUR}`} MB/hour${highest ? `; the highest is ${highest.name} (${highest.slopeMbPerHour} MB/hour)` : ''}.`,
    '',
    '| process | samples | restarts | RSS first | RSS last | RSS peak | slope after warm-up (MB/hour) | threads | open fds |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.trends.map((t) => `| ${t.name} | ${t.samples} | ${t.restarts} | ${t.firstRssMb} MB | ${t.lastRssMb} MB | ${t.peakRssMb} MB | ${t.slopeMbPerHour ?? 'n/a'} | ${t.lastThreads} | ${t.lastFds} |`),
    '',
    '![RSS and lag over time](docs/soak.png)',
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const program = new Command('soak')
    .description('the whole pipeline detached at a steady rate for a long time: per-process RSS/CPU/threads/fds once a minute, lag, an exactly-once-with-content check at the end, SOAK.md and docs/soak.png')
    .option('--duration <time>', 'how long to produce, e.g. 2h, 30m (default: 2h)', (v) => parseDuration(v, '--duration'))
    .option('--rate <n>', 'users per second', (v) => {
      const n = Number(v);
      if (!(n > 0)) throw new InvalidArgumentError(`expected a number > 0, got "${v}"`);
      return n;
    }, 20)
    .option('--cluster', 'cluster mode: 3 brokers, a Spark master and 2 workers')
    .option('--chaos', 'kill a broker, kill the driver and stop the store for 60 s at random (seeded) times')
    .option('--quick', '5 minutes, sampled every 10 s, Spark sessions expiring after 1 minute, a duplicate window of 500 users; writes no SOAK.md')
    .option('--seed <seed>', 'seed for the users and the chaos times', `soak-${Date.now()}`)
    .option('--out <file>', 'where to write the report (default SOAK.md; --quick: none)')
    .showHelpAfterError()
    .exitOverride();
  const usageExit = parseToolCommandLine(program);
  if (usageExit !== undefined) return usageExit;
  const flags = program.opts<Flags>();
  const duration = flags.duration ?? (flags.quick ? 5 * 60_000 : 2 * 3_600_000);
  const sampleEveryMs = flags.quick ? 10_000 : 60_000;
  const warmupMs = flags.quick ? 60_000 : Math.min(20 * 60_000, duration / 6);
  const base = testRuntimeConfig('soak', 'soak', { cluster: flags.cluster ?? false });
  const config: StreamlineConfig = {
    ...base,
    spark: flags.quick ? { ...base.spark, sessionTimeout: '1m' } : base.spark,
    produce: { ...base.produce, deliveryTimeoutMs: 600_000, ...(flags.quick ? { dedupeWindowKeys: 500 } : {}) },
  };
  // The built-in pipeline: what `stream start` and `produce` run with the soak's config.
  const { bindings } = pipelineStreaming(config, (await builtinPipeline(config.topics)).resolved);
  const command = `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim();
  const startedAt = new Date().toISOString();
  const resultsDir = join(repoRoot, 'bench', 'results', 'soak');
  mkdirSync(resultsDir, { recursive: true });

  log(`runtime in ${config.stateDir} (${flags.cluster ? 'cluster' : 'single node'}); ${Math.round(duration / 60_000)} min at ${flags.rate} users/s, seed ${flags.seed}`);
  await down(config);
  rmSync(config.stateDir, { recursive: true, force: true });
  await up(config, { onEvent: (e) => e.type === 'ready' && log(`${e.service} ready after ${Math.round(e.elapsedMs / 1000)} s`) });
  mkdirSync(config.stateDir, { recursive: true });
  const configFile = join(config.stateDir, 'streamline.config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const ackLog = join(config.stateDir, 'acks.jsonl');
  const collector = new Collector(config, { bindings });
  let producer: ReturnType<typeof cli> | undefined;
  const samples = new Map<string, ProcessSample[]>();
  const ticks: Tick[] = [];
  const chaos: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  const stopEverything = () =>
    (stopping ??= (async () => {
      clearInterval(timer);
      await collector.stop().catch(() => undefined);
      if (producer) {
        try {
          process.kill(producer.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      if (existsSync(configFile)) await cli(['stream', 'stop'], configFile).done;
      await down(config);
    })());
  // Interrupted (Ctrl-C, a CI timeout): leave no producer, supervisor, broker, driver or store behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the producer, the pipeline and the runtime (no report)...`);
      void stopEverything().finally(() => process.exit(130));
    });
  }
  try {
    const started = cli(['stream', 'start', '--detach'], configFile);
    const start = await started.done;
    if (start.code !== 0) throw new Error(`stream start --detach failed (${start.code}): ${start.output}`);
    log(start.output.trim().split('\n').at(-2) ?? 'detached');
    collector.start();

    producer = cli(['produce', '--rate', String(flags.rate), '--duration', `${Math.round(duration / 1000)}s`, '--batch-size', '10', '--seed', flags.seed, '--ack-log', ackLog], configFile, join(config.stateDir, 'logs', 'producer.log'));
    const t0 = Date.now();
    const pids = (): Record<string, number | undefined> => {
      const named: Record<string, number | undefined> = { producer: producer?.pid, 'runner+dashboard': process.pid };
      for (const node of recordedNodes(config)) named[node] = readRecord(config, node)?.pid;
      const workers = Object.entries(named).filter(([n]) => n.startsWith('spark-worker')).map(([, p]) => p as number);
      childrenOf(workers).forEach((pid, i) => (named[`executor-${i + 1}`] = pid));
      return named;
    };
    const sample = () => {
      const at = Date.now();
      for (const [name, pid] of Object.entries(pids())) {
        const s = pid === undefined ? undefined : sampleProcess(pid, at);
        if (s) samples.set(name, [...(samples.get(name) ?? []), s]);
      }
      const snapshot = collector.snapshot();
      const queries = snapshot.queries.value ?? [];
      const lags = queries.map((q) => q.lag).filter((l): l is number => typeof l === 'number');
      const batches = queries.map((q) => q.batchDurationMs).filter((b): b is number => typeof b === 'number');
      ticks.push({ at, lag: lags.length ? lags.reduce((a, b) => a + b, 0) : null, slowestBatchMs: batches.length ? Math.max(...batches) : null });
      const active = queries.filter((q) => q.state === 'active').length;
      log(`lag ${ticks.at(-1)?.lag ?? '-'}; queries active ${active}/${queries.filter((q) => q.state).length}; RSS ${[...samples].map(([n, s]) => `${n} ${Math.round(s.at(-1)?.rssMb ?? 0)}`).join(', ')} MB`);
    };
    sample();
    timer = setInterval(sample, sampleEveryMs);

    const faults: Promise<void>[] = [];
    if (flags.chaos) {
      const rnd = seededRandom(deriveSeed(flags.seed));
      const at = () => t0 + duration * (0.15 + 0.6 * rnd());
      const broker = recordedNodes(config).find((n) => n === 'kafka' || n === 'kafka-1') as string;
      const wait = (until: number) => eventually(() => Date.now() >= until, { timeoutMs: Math.max(1_000, until - Date.now() + 60_000), intervalMs: 1_000, what: 'the chaos time' });
      faults.push(
        (async () => {
          await wait(at());
          const pid = readRecord(config, broker)?.pid;
          chaos.push(`${broker} SIGKILLed at ${Math.round((Date.now() - t0) / 60_000)} min, started again 60 s later`);
          log(chaos.at(-1) as string);
          if (pid) process.kill(pid, 'SIGKILL');
          await wait(Date.now() + 60_000);
          await up(config, { only: [broker] });
        })(),
        (async () => {
          await wait(at());
          const pid = readRecord(config, 'spark')?.pid;
          chaos.push(`driver SIGKILLed at ${Math.round((Date.now() - t0) / 60_000)} min (the supervisor starts it again)`);
          log(chaos.at(-1) as string);
          if (pid) process.kill(pid, 'SIGKILL');
        })(),
        (async () => {
          await wait(at());
          chaos.push(`store stopped at ${Math.round((Date.now() - t0) / 60_000)} min for 60 s`);
          log(chaos.at(-1) as string);
          await down(config, { only: ['ferretdb'] });
          await wait(Date.now() + 60_000);
          await up(config, { only: ['ferretdb'] });
        })(),
      );
    }
    const produced = await producer.done;
    await Promise.all(faults);
    // The trends cover the steady stream only: the check below reads every document back, a load of
    // another kind (the first soak's store grew by hundreds of MB while it ran).
    sample();
    clearInterval(timer);
    log(`producer exited ${produced.code}; sampling stopped`);
    const acks = readAckLog(ackLog);
    await eventually(async () => missingFromStore(acks, await readStore(config, bindings)) === 0, { timeoutMs: 15 * 60_000, intervalMs: 5_000, what: 'the store to hold every acknowledged record' }).catch((e: unknown) => log((e as Error).message));
    const check = checkDelivery({ acks, store: await readStore(config, bindings, { content: true }) });
    const trends = [...samples].map(([name, s]) => processTrend(name, s, warmupMs)).filter((t): t is ProcessTrend => t !== undefined);
    const exact = produced.code === 0 && check.lost === 0 && check.duplicated === 0 && check.unexpected === 0 && check.contentMismatches === 0 && check.partialUsers === 0 && check.contentChecked === check.produced - check.producerDuplicates;
    const slopeOk = trends.every((t) => t.slopeMbPerHour === undefined || t.slopeMbPerHour < SLOPE_LIMIT_MB_PER_HOUR);
    const lags = ticks.map((t) => t.lag).filter((l): l is number => l !== null);
    const report = { flags, command, commit: gitCommit(), startedAt, finishedAt: new Date().toISOString(), trends, check, maxLag: lags.length ? Math.max(...lags) : 0, endLag: ticks.at(-1)?.lag ?? null, chaos, exact, slopeOk };
    const stamp = startedAt.replace(/[:.]/g, '-');
    writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify({ ...report, samples: Object.fromEntries(samples), ticks }, null, 2));
    for (const t of trends) log(`${t.name}: RSS ${t.firstRssMb} -> ${t.lastRssMb} MB (peak ${t.peakRssMb}), slope ${t.slopeMbPerHour ?? 'n/a'} MB/h, restarts ${t.restarts}, threads ${t.lastThreads}, fds ${t.lastFds}`);
    log(`data ${exact ? 'exact' : 'NOT exact'}: ${JSON.stringify(check)}`);
    const out = flags.out ?? (flags.quick ? undefined : join(repoRoot, 'SOAK.md'));
    if (out) {
      writeFileSync(out, soakMarkdown(report));
      log(`wrote ${out}`);
      try {
        ensureChromium();
        await svgToPng(soakChartSvg(samples, ticks, t0), join(repoRoot, 'docs', 'soak.png'));
        log('wrote docs/soak.png');
      } catch (e) {
        log(`docs/soak.png not written: ${(e as Error).message}`);
        return 1;
      }
    }
    return exact && (flags.quick || slopeOk) ? 0 : 1;
  } finally {
    await stopEverything();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`soak failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
