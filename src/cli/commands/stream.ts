import { Command, Option } from 'commander';
import { streamingStatus } from '../../app/status.js';
import { PipelineRunningError, startStreaming, stopStreaming } from '../../app/streaming.js';
import { superviseStreaming } from '../../app/supervise-streaming.js';
import { describeFailure } from '../../app/recovery-policy.js';
import { mongoUri, redactUri, sparkRemote } from '../../config/index.js';
import { bindTopics } from '../../stream/index.js';
import { RuntimeError } from '../../runtime/index.js';
import { addGlobalOptions, ExitCode, maybePrintConfig, resolveConfig, say, UsageError, withInterrupt, type GlobalOptions } from '../context.js';
import { FlagValueError, flagParser } from '../flags.js';
import { formatPipelineStatus, formatRecoveryEvent } from '../stream-format.js';

interface StreamFlags extends GlobalOptions {
  detach?: boolean;
  trigger?: string;
  topics?: string;
  startingOffsets?: 'earliest' | 'latest';
  maxRestarts?: number;
}

const parseRestarts = (text: string): number => {
  if (!/^\d+$/.test(text.trim())) throw new FlagValueError('--max-restarts', 'a whole number >= 0', text);
  return Number(text.trim());
};

function streamConfig(flags: StreamFlags) {
  return resolveConfig(flags, {
    topics: flags.topics?.split(',').map((t) => t.trim()).filter(Boolean),
    stream: { trigger: flags.trigger, startingOffsets: flags.startingOffsets, restart: { maxRestarts: flags.maxRestarts } },
  });
}

export function streamCommands(program: Command): void {
  const stream = program.command('stream').description('the Spark Structured Streaming queries: Kafka topics -> MongoDB collections');

  addGlobalOptions(
    stream
      .command('start')
      .description('create topics and collections, start one streaming query per topic plus the dead-letter query; Ctrl-C stops them')
      .option('--detach', 'leave the queries running on the Spark Connect server and exit')
      .option('--trigger <interval>', 'micro-batch interval, e.g. "1 second", "500 milliseconds"')
      .option('--topics <list>', 'comma-separated topics (default: config topics)')
      .addOption(new Option('--starting-offsets <where>', 'where a query without a checkpoint starts').choices(['earliest', 'latest']))
      .addOption(
        new Option('--max-restarts <n>', 'in the foreground: restarts from the checkpoints after a failure before giving up; 0 stops at the first failure (stream.restart.maxRestarts)').argParser(
          flagParser(parseRestarts),
        ),
      ),
  ).action(async (flags: StreamFlags) => {
    const config = streamConfig(flags);
    if (maybePrintConfig(flags, config)) return;
    say(`starting ${config.topics.length + 1} streaming queries on ${redactUri(sparkRemote(config))} -> ${redactUri(mongoUri(config))}/${config.mongo.database}`);
    let started;
    try {
      started = await startStreaming(config);
    } catch (e) {
      if (e instanceof PipelineRunningError) throw new UsageError(e.message);
      throw e;
    }
    if (started.createdTopics.length) say(`created topics: ${started.createdTopics.join(', ')}`);
    if (started.storage.created.length) say(`created collections: ${started.storage.created.join(', ')}`);
    for (const warning of started.storage.warnings) say(`note: ${warning}`);
    say(`started: ${started.queries.map((q) => q.name).join(', ')} (session ${started.session.sessionId})`);

    if (flags.detach) {
      started.spark.close();
      say('detached: the queries keep running. `streamline stream status` shows them; `streamline stream stop` stops them.');
      return;
    }

    say('running in the foreground; Ctrl-C stops the queries (their checkpoints keep the position). Failures are recovered from the checkpoints (stream.restart).');
    const result = await withInterrupt(undefined, (signal) =>
      superviseStreaming(config, bindTopics(config.topics), started, { signal, onEvent: (event) => say(formatRecoveryEvent(event, new Date())) }),
    );
    if (result.outcome === 'gave-up') {
      throw new RuntimeError(
        `the streaming queries are stopped: ${describeFailure(result.failure, config.stream.restart).split(';')[0]}; gave up: ${result.reason}`,
        'fix the cause above and run `streamline stream start` again: the queries resume from their checkpoints',
        result.failure.detail,
      );
    }
    if (result.outcome === 'stopped') {
      say('the queries were stopped by `streamline stream stop`.');
      return;
    }
    say('stopping the queries...');
    try {
      await stopStreaming(config);
      say('stopped.');
    } catch (e) {
      say(`could not stop the queries cleanly: ${(e as Error).message}`);
    }
    process.exitCode = ExitCode.interrupted;
  });

  addGlobalOptions(stream.command('status').description('per query: state, rows/s, batch duration, last batch, Kafka records behind; documents per collection')).action(
    async (flags: StreamFlags) => {
      const config = streamConfig(flags);
      if (maybePrintConfig(flags, config)) return;
      const status = await streamingStatus(config);
      say(formatPipelineStatus(status));
      if (status.queries.some((q) => q.exception)) process.exitCode = ExitCode.failure;
    },
  );

  addGlobalOptions(stream.command('stop').description('stop the streaming queries and release their Spark Connect session')).action(async (flags: StreamFlags) => {
    const config = streamConfig(flags);
    if (maybePrintConfig(flags, config)) return;
    say((await stopStreaming(config)) ? 'stopped the streaming queries.' : 'no streaming queries were running.');
  });
}
