import type { Command } from 'commander';
import { displayPath } from '../../pipeline/load.js';
import { addGlobalOptions, resolveRuntime, say, type GlobalOptions } from '../context.js';

/** `streamline pipeline topics`: what the loaded pipeline file declares (for the Compose ACL setup and the Airflow DAG). */
export function pipelineCommands(program: Command): void {
  const pipeline = program.command('pipeline').description('what the pipeline file declares');
  addGlobalOptions(pipeline.command('topics').description('the Kafka topics of the pipeline, one a line (--json: {"pipeline","file","topics"})')).action(
    async (flags: GlobalOptions, cmd: Command) => {
      const runtime = await resolveRuntime(flags);
      if (!runtime) return;
      const { resolved, file } = runtime.pipeline;
      const topics = resolved.topics.map((topic) => topic.kafkaTopic);
      if (cmd.optsWithGlobals().json) say(JSON.stringify({ pipeline: resolved.name, file: displayPath(file), topics }));
      else for (const topic of topics) say(topic);
    },
  );
}
