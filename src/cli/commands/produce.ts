import { Command, Option } from 'commander';
import { producePipeline, type PipelineProduceOptions } from '../../app/produce.js';
import { describeChoice, loadPipeline } from '../../pipeline/load.js';
import { recordNoun, type RecordNoun } from '../../source/source-runtime.js';
import { PII_POLICIES, type PiiPolicy } from '../../model/index.js';
import { formatProgressLine, formatSummary, openAckLog, summaryHasFailures, writeSummaryFile, type IntervalSpec, type PacingMode, type ProgressState } from '../../produce/index.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import { addGlobalOptions, choosePipeline, maybePrintConfig, resolveConfig, say, withInterrupt, type GlobalOptions } from '../context.js';
import { durationFlag, flags as parse } from '../flags.js';

interface ProduceFlags extends GlobalOptions {
  apiUrl?: string;
  topics?: string[];
  publishAs?: Record<string, string>;
  count?: number;
  duration?: number;
  rate?: number;
  seed?: string;
  interval?: IntervalSpec;
  meanRate?: IntervalSpec;
  pacing?: PacingMode;
  pii?: PiiPolicy;
  batchSize?: number;
  nat?: string;
  kafka?: string;
  summaryFile?: string;
  deliveryTimeout?: number;
  ackLog?: string;
}

/** Progress on one rewritten line on a terminal; a line every 5 s in a log. */
function progressPrinter(): { print: (state: ProgressState) => void; end: () => void } {
  const interactive = process.stdout.isTTY;
  let lastLine = 0;
  return {
    print: (state) => {
      if (interactive) process.stdout.write(`\r${formatProgressLine(state)}\x1b[K`);
      else if (Date.now() - lastLine > 5_000) {
        lastLine = Date.now();
        say(formatProgressLine(state));
      }
    },
    end: () => interactive && process.stdout.write('\n'),
  };
}

/** Prints the summary and sets the exit code the way every produce run does. */
function finish(flags: ProduceFlags, summary: Awaited<ReturnType<typeof producePipeline>>, noun: RecordNoun): void {
  say(formatSummary(summary, noun));
  if (flags.summaryFile) writeSummaryFile(flags.summaryFile, summary);
  if (summary.aborted) process.exitCode = ExitCode.interrupted;
  else if (summaryHasFailures(summary)) process.exitCode = ExitCode.failure;
}

/** `produce`: the pipeline's records (an httpJson or file source resumed where the last run ended), with progress and a summary. */
async function produceFromPipeline(flags: ProduceFlags, config: Parameters<typeof producePipeline>[0], loaded: Parameters<typeof producePipeline>[1], shown: string): Promise<void> {
  if (loaded.pipeline.source.kind !== 'randomuser' && (flags.seed !== undefined || flags.nat !== undefined || flags.apiUrl !== undefined)) {
    throw new UsageError(`--seed, --nat and --api-url belong to the Random User source; pipeline ${loaded.pipeline.name} (${shown}) reads ${loaded.pipeline.source.kind}`);
  }
  const produced = flags.topics ?? config.topics;
  const notProduced = produced.length ? Object.keys(flags.publishAs ?? {}).filter((topic) => !produced.includes(topic)) : [];
  if (notProduced.length) throw new UsageError(`--publish-as: ${notProduced.join(', ')} not among the topics produced (${produced.join(', ')})`);
  const progress = progressPrinter();
  const ackLog = flags.ackLog ? openAckLog(flags.ackLog) : undefined;
  const options: PipelineProduceOptions = {
    ...(flags.topics === undefined ? {} : { topics: flags.topics }),
    ...(flags.publishAs === undefined ? {} : { topicNames: flags.publishAs }),
    count: flags.count,
    durationMs: flags.duration,
    rate: config.produce.rate,
    interval: flags.interval ?? flags.meanRate,
    pacing: flags.pacing,
    pii: flags.pii,
    batchSize: flags.batchSize,
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags.nat === undefined ? {} : { nat: flags.nat }),
    onStart: (run) => {
      const where = run.positionFile === undefined ? '' : `; ${run.resumed ? 'resuming at' : 'position kept in'} ${run.positionFile}${run.resumed ? ' (delete it to read the source from its start)' : ''}`;
      const from = run.localApi === undefined ? run.source : `${run.source}, the local API started for this run`;
      say(`producing pipeline ${loaded.pipeline.name} (${shown}) to ${run.kafkaTopics.join(', ')} on ${run.bootstrap} from ${from}${where}`);
    },
    onTopics: (r) => r.created.length && say(`created topics: ${r.created.join(', ')}`),
    onWarning: (m) => process.stderr.write(`${process.stdout.isTTY ? '\n' : ''}warning: ${m}\n`),
    onProgress: progress.print,
    ...(ackLog === undefined ? {} : { onAcknowledged: ackLog.write }),
  };
  const summary = await withInterrupt('interrupted: finishing the records in flight (Ctrl-C again does not lose them either)...', (signal) =>
    producePipeline(config, loaded, { ...options, signal }),
  ).finally(() => ackLog?.close());
  progress.end();
  finish(flags, summary, recordNoun(loaded.pipeline.source));
}

export function produceCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('produce')
      .description('fetch records from the pipeline\'s source (the built-in pipeline: the Random User API) and publish them to its Kafka topics at random intervals; an httpJson or file pipeline resumes where its last run ended')
      .option('--api-url <url>', 'Random User API to fetch from (default: our local server, started in-process); e.g. https://randomuser.me/api/')
      .option('--topics <list>', 'comma-separated topics of the pipeline (default: config topics, else all of them)', parse.topics)
      .option('--publish-as <topic=kafka-topic,...>', 'publish these topics under other Kafka topic names, e.g. orders=my.orders', parse.publishAs)
      .option('--count <n>', 'source records to produce (each makes its records on every topic)', parse.count)
      .option('--duration <time>', 'stop after this long, e.g. 60s, 5m', parse.duration)
      .option('--rate <n>', 'upper bound in source records per second (config produce.rate, env STREAMLINE_PRODUCE_RATE; default: unbounded)', parse.rate)
      .option('--seed <seed>', 'seed for the Random User API\'s pages and for pacing: same seed, same records in the same order')
      .option('--interval <min..max>', 'uniform random gap between fetches, e.g. 50..150ms, 1s..3s, or 0ms..0ms for none', parse.interval)
      .option('--mean-rate <n>', 'exponential gaps with this mean number of fetches per second', parse.meanRate)
      .addOption(new Option('--pacing <mode>', 'one schedule for all topics, or one per topic').choices(['together', 'independent']).default('together'))
      .addOption(new Option('--pii <policy>', 'the pipeline\'s pii fields (the built-in pipeline: email and phone numbers): keep, mask or hash').choices([...PII_POLICIES]).default('keep'))
      .option('--batch-size <n>', 'records per source request (the Random User API: 1..5000)', parse.batchSize)
      .option('--nat <codes>', 'nationalities to ask the Random User API for, e.g. gb,ua,in')
      .option('--kafka <bootstrap>', 'Kafka bootstrap servers (default: the embedded broker)')
      .option('--delivery-timeout <time>', 'how long Kafka may be away before the records held for it are given up on, e.g. 30s, 5m (config produce.deliveryTimeoutMs, default 2m)', durationFlag('--delivery-timeout'))
      .option('--summary-file <path>', 'also write the run summary as JSON here (per-topic produced/failed, ok), e.g. for Airflow')
      .option('--ack-log <file>', 'append one JSON line per record Kafka acknowledged ({topic, partition, offset, key}), as acknowledgements arrive'),
  ).action(async (flags: ProduceFlags) => {
    const config = resolveConfig(flags, {
      topics: flags.topics,
      api: { url: flags.apiUrl },
      kafka: { bootstrapServers: flags.kafka },
      produce: { deliveryTimeoutMs: flags.deliveryTimeout, rate: flags.rate },
    });
    if (maybePrintConfig(flags, config)) return;
    if (flags.interval && flags.meanRate) throw new UsageError('--interval and --mean-rate are alternatives; give one of them');
    const choice = choosePipeline(flags, config);
    await produceFromPipeline(flags, config, await loadPipeline(choice), describeChoice(choice));
  });
}
