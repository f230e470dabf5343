import { Command, Option } from 'commander';
import { produce } from '../../app/produce.js';
import { isTopicName, PII_POLICIES, type PiiPolicy, type TopicName } from '../../model/index.js';
import { formatProgressLine, formatSummary, openAckLog, summaryHasFailures, writeSummaryFile, type IntervalSpec, type PacingMode, type ProgressState } from '../../produce/index.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import { addGlobalOptions, maybePrintConfig, resolveConfig, say, withInterrupt, type GlobalOptions } from '../context.js';
import { flagParser, flags as parse, parseDuration } from '../flags.js';

interface ProduceFlags extends GlobalOptions {
  apiUrl?: string;
  topics?: string;
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

/**
 * `--topics users.profile,users.contact=contact_eu`: the canonical topics, each optionally published
 * under another Kafka topic name.
 */
function parseTopics(text: string | undefined): { topics?: string[]; topicNames: Partial<Record<TopicName, string>> } {
  const topicNames: Partial<Record<TopicName, string>> = {};
  if (text === undefined) return { topicNames };
  const topics = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf('=');
      if (eq < 0) return entry;
      const topic = entry.slice(0, eq).trim();
      const kafkaName = entry.slice(eq + 1).trim();
      if (!isTopicName(topic)) throw new UsageError(`--topics: ${JSON.stringify(topic)} is not a known topic, so it cannot be renamed`);
      if (!/^[A-Za-z0-9._-]{1,249}$/.test(kafkaName)) throw new UsageError(`--topics: expected a Kafka topic name after ${topic}=, got ${JSON.stringify(kafkaName)}`);
      topicNames[topic] = kafkaName;
      return topic;
    });
  return { topics, topicNames };
}

const durationFlag = (flag: string) => flagParser((text) => parseDuration(text, flag));

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

export function produceCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('produce')
      .description('fetch users from the Random User API and publish them to the Kafka topics at random intervals')
      .option('--api-url <url>', 'Random User API to fetch from (default: our local server, started in-process); e.g. https://randomuser.me/api/')
      .option('--topics <list>', 'comma-separated topics, each optionally topic=kafka-topic to publish it under another name (default: config topics)')
      .option('--count <n>', 'users to produce (one record per topic each)', parse.count)
      .option('--duration <time>', 'stop after this long, e.g. 60s, 5m', parse.duration)
      .option('--rate <n>', 'upper bound in users per second (config produce.rate, env STREAMLINE_PRODUCE_RATE; default: unbounded)', parse.rate)
      .option('--seed <seed>', 'seed for API pages and pacing: same seed, same users in the same order')
      .option('--interval <min..max>', 'uniform random gap between fetches, e.g. 50..150ms, 1s..3s, or 0ms..0ms for none', parse.interval)
      .option('--mean-rate <n>', 'exponential gaps with this mean number of fetches per second', parse.meanRate)
      .addOption(new Option('--pacing <mode>', 'one schedule for all topics, or one per topic').choices(['together', 'independent']).default('together'))
      .addOption(new Option('--pii <policy>', 'email and phone numbers: keep, mask or hash').choices([...PII_POLICIES]).default('keep'))
      .option('--batch-size <n>', 'users per API request (1..5000)', parse.batchSize)
      .option('--nat <codes>', 'nationalities to ask the API for, e.g. gb,ua,in')
      .option('--kafka <bootstrap>', 'Kafka bootstrap servers (default: the embedded broker)')
      .option('--delivery-timeout <time>', 'how long Kafka may be away before the records held for it are given up on, e.g. 30s, 5m (config produce.deliveryTimeoutMs, default 2m)', durationFlag('--delivery-timeout'))
      .option('--summary-file <path>', 'also write the run summary as JSON here (per-topic produced/failed, ok), e.g. for Airflow')
      .option('--ack-log <file>', 'append one JSON line per record Kafka acknowledged ({topic, partition, offset, key}), as acknowledgements arrive'),
  ).action(async (flags: ProduceFlags) => {
    const { topics, topicNames } = parseTopics(flags.topics);
    const config = resolveConfig(flags, {
      topics,
      api: { url: flags.apiUrl },
      kafka: { bootstrapServers: flags.kafka },
      produce: { deliveryTimeoutMs: flags.deliveryTimeout, rate: flags.rate },
    });
    if (maybePrintConfig(flags, config)) return;
    if (flags.interval && flags.meanRate) throw new UsageError('--interval and --mean-rate are alternatives; give one of them');
    const progress = progressPrinter();
    const ackLog = flags.ackLog ? openAckLog(flags.ackLog) : undefined;
    const summary = await withInterrupt('interrupted: finishing the records in flight (Ctrl-C again does not lose them either)...', (signal) =>
      produce(config, {
        topicNames,
        count: flags.count,
        durationMs: flags.duration,
        rate: config.produce.rate,
        seed: flags.seed,
        interval: flags.interval ?? flags.meanRate,
        pacing: flags.pacing,
        pii: flags.pii,
        batchSize: flags.batchSize,
        nat: flags.nat,
        signal,
        onStart: (run) => say(`producing to ${run.kafkaTopics.join(', ')} on ${run.bootstrap} from ${run.localApi ? `the local Random User API (${run.apiUrl})` : run.apiUrl}`),
        onTopics: (r) => r.created.length && say(`created topics: ${r.created.join(', ')}`),
        onWarning: (m) => process.stderr.write(`${process.stdout.isTTY ? '\n' : ''}warning: ${m}\n`),
        onProgress: progress.print,
        onAcknowledged: ackLog?.write,
      }),
    ).finally(() => ackLog?.close());
    progress.end();
    say(formatSummary(summary));
    if (flags.summaryFile) writeSummaryFile(flags.summaryFile, summary);
    if (summary.aborted) process.exitCode = ExitCode.interrupted;
    else if (summaryHasFailures(summary)) process.exitCode = ExitCode.failure;
  });
}
