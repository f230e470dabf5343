import { Command, Option } from 'commander';
import { PipelineRunningError, startStreaming, stopStreaming, streamingStatus, watchStreaming } from '../../app/streaming.js';
import { mongoUri, sparkRemote } from '../../config/index.js';
import { addGlobalOptions, ExitCode, maybePrintConfig, resolveConfig, say, UsageError, withInterrupt, type GlobalOptions } from '../context.js';
import { formatPipelineStatus, queriesTable } from '../stream-format.js';

interface StreamFlags extends GlobalOptions {
  detach?: boolean;
  trigger?: string;
  topics?: string;
  startingOffsets?: 'earliest' | 'latest';
}

function streamConfig(flags: StreamFlags) {
  return resolveConfig(flags, {
    topics: flags.topics?.split(',').map((t) => t.trim()).filter(Boolean),
    stream: { trigger: flags.trigger, startingOffsets: flags.startingOffsets },
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
      .addOption(new Option('--starting-offsets <where>', 'where a query without a checkpoint starts').choices(['earliest', 'latest'])),
  ).action(async (flags: StreamFlags) => {
    const config = streamConfig(flags);
    if (maybePrintConfig(flags, config)) return;
    say(`starting ${config.topics.length + 1} streaming queries on ${sparkRemote(config)} -> ${mongoUri(config)}/${config.mongo.database}`);
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

    say('running in the foreground; Ctrl-C stops the queries (their checkpoints keep the position).');
    const queries = started.queries;
    let broken;
    try {
      broken = await withInterrupt(undefined, (signal) => watchStreaming(queries, 5_000, signal, (reports) => say(`\n${new Date().toISOString()}\n${queriesTable(reports)}`)));
      for (const r of broken) say(`query ${r.name} stopped${r.exception ? `: ${r.exception}` : ''}`);
    } finally {
      say('stopping the queries...');
      await stopStreaming(config);
      say('stopped.');
    }
    process.exitCode = broken.length ? ExitCode.failure : ExitCode.interrupted;
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
