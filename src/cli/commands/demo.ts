import { Command } from 'commander';
import { runDemo, type DemoProgress, type DemoResult } from '../../app/demo.js';
import { mongoUri, type StreamlineConfig } from '../../config/index.js';
import type { IntervalSpec } from '../../produce/index.js';
import { ExitCode, PortInUseError } from '../../core/errors.js';
import { addGlobalOptions, maybePrintConfig, resolveConfig, say, withInterrupt, type GlobalOptions } from '../context.js';
import { flags as parse, parseInterval } from '../flags.js';
import { formatDuration, table } from '../format.js';
import { openDashboard } from './dashboard.js';
import { describeEvent } from './runtime.js';

interface DemoFlags extends GlobalOptions {
  duration: number;
  count?: number;
  rate?: number;
  seed?: string;
  interval: IntervalSpec;
  dashboard: boolean;
}

const n = (x: number) => x.toLocaleString('en-US');

export function progressLine(view: DemoProgress): string {
  const produced = Object.values(view.produced.topics)[0]?.produced ?? 0;
  const processed = view.queries
    .filter((q) => q.name.startsWith('ingest_'))
    .map((q) => `${q.name.replace('ingest_users_', '').replace('ingest_', '')} ${Math.round(q.processedRowsPerSecond ?? 0)}/s`)
    .join(' ');
  const docs = Object.entries(view.documents)
    .map(([c, d]) => `${c.replace('users_', '')} ${n(d)}`)
    .join(' ');
  return `[${formatDuration(view.elapsedMs).padStart(6)}] produced ${n(produced)} users/topic | processed ${processed} | documents ${docs}`;
}

export function summaryText(result: DemoResult, uri: string, database: string): string {
  const rows = result.rows.map((r) => [r.topic, r.collection, r.produced, r.documents, r.documents === r.produced ? 'yes' : 'NO']);
  return [
    table(['TOPIC', 'COLLECTION', 'PRODUCED', 'DOCUMENTS', 'MATCH'], rows),
    '',
    `dead letters this run: ${n(result.deadLetters)} · API records rejected: ${n(result.produce.invalid)} · fetch errors: ${n(result.produce.fetchErrors)} · elapsed ${formatDuration(result.elapsedMs)}`,
    result.consistent
      ? 'every produced user is in every collection, exactly once.'
      : 'MISMATCH: some collections do not hold exactly the produced users (see `streamline stream status` and .streamline/logs/spark.log).',
    '',
    `Look at the data: \`npx streamline up\`, then any MongoDB client, e.g. \`mongosh ${uri}/${database}\` and \`db.users_profile.findOne()\`.`,
  ].join('\n');
}

/** The demo's dashboard: on the configured port, or any free one when that is taken (the demo matters more). */
async function openDemoDashboard(config: StreamlineConfig) {
  try {
    return await openDashboard(config);
  } catch (e) {
    if (!(e instanceof PortInUseError)) throw e;
    say(`note: dashboard port ${config.dashboard.port} is taken; using a free one`);
    return openDashboard({ ...config, dashboard: { ...config.dashboard, port: 0 } });
  }
}

export function demoCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('demo')
      .description('run the whole pipeline on the embedded services: API -> Kafka -> Spark -> MongoDB, then report and stop')
      .option('--duration <time>', 'how long to produce, e.g. 60s, 5m', parse.duration, 60_000)
      .option('--count <n>', 'stop after this many users instead', parse.count)
      .option('--rate <n>', 'upper bound in users per second', parse.rate)
      .option('--seed <seed>', 'seed for reproducible users and pacing')
      .option('--interval <min..max>', 'random gap between API fetches (25 users each); 0ms..0ms for none', parse.interval, parseInterval('200..600ms'))
      .option('--no-dashboard', 'do not serve the live dashboard during the demo'),
  ).action(async (flags: DemoFlags) => {
    const config = resolveConfig(flags);
    if (maybePrintConfig(flags, config)) return;
    const dashboard = flags.dashboard ? await openDemoDashboard(config) : undefined;
    if (dashboard) say(`==> live dashboard on ${dashboard.url} (Prometheus metrics at ${dashboard.url}metrics)`);
    try {
      const result = await withInterrupt('interrupted: finishing the records in flight, then reporting and stopping...', (signal) =>
        runDemo(config, {
          durationMs: flags.count ? undefined : flags.duration,
          count: flags.count,
          rate: flags.rate,
          seed: flags.seed,
          interval: flags.interval,
          signal,
          onRuntimeEvent: (e) => say(describeEvent(e)),
          onStep: (m) => say(`==> ${m}`),
          onWarning: (m) => say(`note: ${m}`),
          onProgress: (view) => say(progressLine(view)),
          onApiReady: (url) => dashboard?.collector.showApi(url),
        }),
      );
      say(`\n${summaryText(result, mongoUri(config), config.mongo.database)}`);
      process.exitCode = result.interrupted ? ExitCode.interrupted : result.consistent ? ExitCode.ok : ExitCode.failure;
    } finally {
      await dashboard?.close();
    }
  });
}
