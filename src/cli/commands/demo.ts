import { Command } from 'commander';
import { runDemo, type DemoProgress, type DemoResult } from '../../app/demo.js';
import type { RuntimePipeline } from '../../pipeline/runtime.js';
import { mongoUri, type StreamlineConfig } from '../../config/index.js';
import type { IntervalSpec } from '../../produce/index.js';
import { ExitCode, PortInUseError } from '../../core/errors.js';
import { addGlobalOptions, resolveRuntime, say, withInterrupt, type GlobalOptions } from '../context.js';
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

/**
 * The part of the names before their last `_` that every one of them shares (`orders_` of `orders_open` and
 * `orders_closed`), left out of the progress line to keep it short; nothing for a single name.
 */
function sharedPrefix(names: readonly string[]): string {
  if (names.length < 2) return '';
  const first = names[0] as string;
  let length = 0;
  while (length < first.length && names.every((name) => name[length] === first[length])) length++;
  const common = first.slice(0, length);
  return common.slice(0, common.lastIndexOf('_') + 1);
}

export function progressLine(view: DemoProgress): string {
  const produced = Object.values(view.produced.topics)[0]?.produced ?? 0;
  const collections = Object.keys(view.documents);
  const prefix = sharedPrefix(collections.slice(0, -1)); // the last one counted is the dead letters
  const processed = view.queries
    .filter((q) => q.name.startsWith('ingest_'))
    .map((q) => `${q.name.replace(`ingest_${prefix}`, '').replace('ingest_', '')} ${Math.round(q.processedRowsPerSecond ?? 0)}/s`)
    .join(' ');
  const docs = Object.entries(view.documents)
    .map(([c, d]) => `${prefix && c.startsWith(prefix) ? c.slice(prefix.length) : c} ${n(d)}`)
    .join(' ');
  return `[${formatDuration(view.elapsedMs).padStart(6)}] produced ${n(produced)} ${view.noun.many}/topic | processed ${processed} | documents ${docs}`;
}

export function summaryText(result: DemoResult, uri: string, database: string): string {
  const rows = result.rows.map((r) => [r.topic, r.collection, r.produced, r.documents, r.documents === r.produced ? 'yes' : 'NO']);
  return [
    table(['TOPIC', 'COLLECTION', 'PRODUCED', 'DOCUMENTS', 'MATCH'], rows),
    '',
    `dead letters this run: ${n(result.deadLetters)} · API records rejected: ${n(result.produce.invalid)} · fetch errors: ${n(result.produce.fetchErrors)} · elapsed ${formatDuration(result.elapsedMs)}`,
    result.consistent
      ? `every produced ${result.noun.one} is in every collection, exactly once.`
      : `MISMATCH: some collections do not hold exactly the produced ${result.noun.many} (see \`streamline stream status\` and .streamline/logs/spark.log).`,
    '',
    `Look at the data: \`npx streamline up\`, then any MongoDB client, e.g. \`mongosh ${uri}/${database}\` and \`db.${result.rows[0]?.collection ?? 'dead_letters'}.findOne()\`.`,
  ].join('\n');
}

/** The demo's dashboard: on the configured port, or any free one when that is taken (the demo matters more). */
async function openDemoDashboard(config: StreamlineConfig, pipeline: RuntimePipeline) {
  const watched = { pipeline: { resolved: pipeline.resolved, file: pipeline.file } };
  try {
    return await openDashboard(config, watched);
  } catch (e) {
    if (!(e instanceof PortInUseError)) throw e;
    say(`note: dashboard port ${config.dashboard.port} is taken; using a free one`);
    return openDashboard({ ...config, dashboard: { ...config.dashboard, port: 0 } }, watched);
  }
}

export function demoCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('demo')
      .description('run the whole pipeline on the embedded services: API -> Kafka -> Spark -> MongoDB, then report and stop')
      .option('--duration <time>', 'how long to produce, e.g. 60s, 5m', parse.duration, 60_000)
      .option('--count <n>', 'stop after this many source records instead', parse.count)
      .option('--rate <n>', 'upper bound in source records per second', parse.rate)
      .option('--seed <seed>', 'seed for reproducible records (the Random User API) and pacing')
      .option('--interval <min..max>', 'random gap between source fetches (25 records each); 0ms..0ms for none', parse.interval, parseInterval('200..600ms'))
      .option('--no-dashboard', 'do not serve the live dashboard during the demo'),
  ).action(async (flags: DemoFlags) => {
    const runtime = await resolveRuntime(flags);
    if (!runtime) return;
    const { config, pipeline } = runtime;
    const dashboard = flags.dashboard ? await openDemoDashboard(config, pipeline) : undefined;
    if (dashboard) say(`==> live dashboard on ${dashboard.url} (Prometheus metrics at ${dashboard.url}metrics)`);
    try {
      const result = await withInterrupt('interrupted: finishing the records in flight, then reporting and stopping...', (signal) =>
        runDemo(config, pipeline, {
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
