import { Command, Option } from 'commander';
import { kafkaBootstrap } from '../../config/index.js';
import { isTopicName, PII_POLICIES, type PiiPolicy, type TopicName } from '../../model/index.js';
import {
  formatProgressLine,
  formatSummary,
  parseDuration,
  parseInterval,
  parseMeanRate,
  parsePositiveInteger,
  parseRate,
  produceUsers,
  summaryHasFailures,
  writeSummaryFile,
  type IntervalSpec,
  type PacingMode,
} from '../../produce/index.js';
import { startApiServer, type ApiServer } from '../../source/index.js';
import { addGlobalOptions, flagParser, ExitCode, maybePrintConfig, resolveConfig, UsageError, type GlobalOptions } from '../context.js';

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


export function produceCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('produce')
      .description('fetch users from the Random User API and publish them to the Kafka topics at random intervals')
      .option('--api-url <url>', 'Random User API to fetch from (default: our local server, started in-process); e.g. https://randomuser.me/api/')
      .option('--topics <list>', 'comma-separated topics, each optionally topic=kafka-topic to publish it under another name (default: config topics)')
      .option('--count <n>', 'users to produce (one record per topic each)', flagParser((v) => parsePositiveInteger(v, '--count')))
      .option('--duration <time>', 'stop after this long, e.g. 60s, 5m', flagParser((v) => parseDuration(v, '--duration')))
      .option('--rate <n>', 'upper bound in users per second', flagParser((v) => parseRate(v, '--rate')))
      .option('--seed <seed>', 'seed for API pages and pacing: same seed, same users in the same order')
      .option('--interval <min..max>', 'uniform random gap between fetches, e.g. 50..150ms or 1s..3s', flagParser((v) => parseInterval(v, '--interval')))
      .option('--mean-rate <n>', 'exponential gaps with this mean number of fetches per second', flagParser((v) => parseMeanRate(v, '--mean-rate')))
      .addOption(new Option('--pacing <mode>', 'one schedule for all topics, or one per topic').choices(['together', 'independent']).default('together'))
      .addOption(new Option('--pii <policy>', 'email and phone numbers: keep, mask or hash').choices([...PII_POLICIES]).default('keep'))
      .option('--batch-size <n>', 'users per API request (1..5000)', flagParser((v) => parsePositiveInteger(v, '--batch-size')))
      .option('--nat <codes>', 'nationalities to ask the API for, e.g. gb,ua,in')
      .option('--kafka <bootstrap>', 'Kafka bootstrap servers (default: the embedded broker)')
      .option('--summary-file <path>', 'also write the run summary as JSON here (per-topic produced/failed, ok), e.g. for Airflow'),
  ).action(async (flags: ProduceFlags) => {
    const { topics, topicNames } = parseTopics(flags.topics);
    const config = resolveConfig(flags, {
      topics,
      api: { url: flags.apiUrl },
      kafka: { bootstrapServers: flags.kafka },
    });
    if (maybePrintConfig(flags, config)) return;
    if (flags.interval && flags.meanRate) throw new UsageError('--interval and --mean-rate are alternatives; give one of them');

    const abort = new AbortController();
    const onSignal = () => {
      if (abort.signal.aborted) return;
      process.stderr.write('\ninterrupted: finishing the records in flight (Ctrl-C again does not lose them either)...\n');
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    let localApi: ApiServer | undefined;
    const apiUrl = config.api.url ?? (localApi = await startApiServer({ host: '127.0.0.1', port: 0 })).url;
    const interactive = process.stdout.isTTY;
    let lastLine = 0;
    const kafkaTopics = config.topics.map((topic) => (isTopicName(topic) ? topicNames[topic] : undefined) ?? topic);
    process.stdout.write(`producing to ${kafkaTopics.join(', ')} on ${kafkaBootstrap(config)} from ${localApi ? `the local Random User API (${apiUrl})` : apiUrl}\n`);
    try {
      const summary = await produceUsers({
        bootstrapServers: kafkaBootstrap(config),
        apiUrl,
        topics: config.topics,
        topicNames,
        topicSettings: { partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor, minInsyncReplicas: config.kafka.minInsyncReplicas },
        count: flags.count,
        durationMs: flags.duration,
        rate: flags.rate,
        seed: flags.seed,
        interval: flags.interval ?? flags.meanRate,
        pacing: flags.pacing,
        pii: flags.pii,
        batchSize: flags.batchSize,
        nat: flags.nat,
        signal: abort.signal,
        onTopics: (r) => r.created.length && process.stdout.write(`created topics: ${r.created.join(', ')}\n`),
        onWarning: (m) => process.stderr.write(`${interactive ? '\n' : ''}warning: ${m}\n`),
        onProgress: (state) => {
          if (interactive) process.stdout.write(`\r${formatProgressLine(state)}\x1b[K`);
          else if (Date.now() - lastLine > 5_000) {
            lastLine = Date.now();
            process.stdout.write(`${formatProgressLine(state)}\n`);
          }
        },
      });
      if (interactive) process.stdout.write('\n');
      process.stdout.write(`${formatSummary(summary)}\n`);
      if (flags.summaryFile) writeSummaryFile(flags.summaryFile, summary);
      if (summary.aborted) process.exitCode = ExitCode.interrupted;
      else if (summaryHasFailures(summary)) process.exitCode = ExitCode.failure;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await localApi?.close();
    }
  });
}
