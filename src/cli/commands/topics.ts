import { Command } from 'commander';
import { checkTopics } from '../../app/topics.js';
import { durationFlag, flags as parse } from '../flags.js';
import { ExitCode } from '../../core/errors.js';
import { addGlobalOptions, resolveRuntime, say, type GlobalOptions } from '../context.js';

interface TopicsFlags extends GlobalOptions {
  topics?: string[];
  kafka?: string;
  timeout: number;
}


/** `streamline topics check|ensure`: is Kafka reachable, do the topics exist (create them with ensure). */
export function topicsCommands(program: Command): void {
  const topics = program.command('topics').description('check that Kafka is reachable and the topics exist, or create them');
  for (const [name, create, description] of [
    ['check', false, 'exit 1 if Kafka is unreachable or a topic is missing'],
    ['ensure', true, 'create the missing topics (configured partitions and replication); exit 1 if Kafka is unreachable'],
  ] as const) {
    addGlobalOptions(
      topics
        .command(name)
        .description(description)
        .option('--topics <list>', 'comma-separated Kafka topics (default: the pipeline\'s, narrowed by config topics)', parse.topics)
        .option('--kafka <bootstrap>', 'Kafka bootstrap servers (default: the embedded broker)')
        .option('--timeout <time>', 'give up on an unreachable broker after this long, e.g. 10s', durationFlag('--timeout'), 15_000),
    ).action(async (flags: TopicsFlags) => {
      // --topics names Kafka topics as they are (the DAG's prefixed ones); without it, the pipeline's (narrowed by config topics).
      const runtime = await resolveRuntime({ ...flags, topics: undefined }, { kafka: { bootstrapServers: flags.kafka } });
      if (!runtime) return;
      const { config, pipeline } = runtime;
      const report = await checkTopics(config, flags.topics ?? pipeline.resolved.topics.map((t) => t.kafkaTopic), { create, timeoutMs: flags.timeout });
      say(`Kafka at ${report.bootstrap} is reachable`);
      if (report.existing.length) say(`existing topics: ${report.existing.join(', ')}`);
      if (report.created.length) say(`created topics: ${report.created.join(', ')}`);
      if (report.missing.length) {
        process.stderr.write(`error: missing topics on ${report.bootstrap}: ${report.missing.join(', ')}\nhint: create them with \`streamline topics ensure\` (or let the producer create them)\n`);
        process.exitCode = ExitCode.failure;
      }
    });
  }
}
