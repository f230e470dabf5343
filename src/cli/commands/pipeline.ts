import type { Command } from 'commander';
import { displayPath, loadPipeline, pipelineTopics } from '../../pipeline/load.js';
import { assertValidPipeline } from '../../pipeline/validate.js';
import { addGlobalOptions, choosePipeline, maybePrintConfig, resolveConfig, say, type GlobalOptions } from '../context.js';

/** `streamline pipeline topics`: what the loaded pipeline file declares (for the Compose ACL setup and the Airflow DAG). */
export function pipelineCommands(program: Command): void {
  const pipeline = program.command('pipeline').description('what the pipeline file declares');
  addGlobalOptions(pipeline.command('topics').description('the Kafka topics of the pipeline, one a line (--json: {"pipeline","file","topics"})')).action(
    async (flags: GlobalOptions, cmd: Command) => {
      const config = resolveConfig(flags);
      if (maybePrintConfig(flags, config)) return;
      const loaded = await loadPipeline(choosePipeline(flags, config));
      assertValidPipeline(loaded.pipeline, loaded.file);
      const topics = pipelineTopics(loaded.pipeline);
      if (cmd.optsWithGlobals().json) say(JSON.stringify({ pipeline: loaded.pipeline.name, file: displayPath(loaded.file), topics }));
      else for (const topic of topics) say(topic);
    },
  );
}
