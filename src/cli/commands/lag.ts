import { Command } from 'commander';
import { currentLag, waitForCatchUp, type Lag } from '../../app/lag.js';
import { durationFlag } from '../flags.js';
import { pipelineStreaming } from '../../app/streaming.js';
import { addGlobalOptions, resolveRuntime, say, type GlobalOptions } from '../context.js';

interface LagFlags extends GlobalOptions {
  wait?: boolean;
  timeout: number;
}

const formatLag = (lag: Lag): string => lag.map((q) => `${q.query}: ${q.behind ?? 'unknown'} behind`).join(', ');

/** `streamline lag [--wait]`: how far the streaming queries are behind Kafka; with --wait, until 0. */
export function lagCommand(program: Command): void {
  addGlobalOptions(
    program
      .command('lag')
      .description('records published to Kafka but not yet read by the running streaming queries')
      .option('--wait', 'poll until every query is 0 behind (exit 1 at --timeout)')
      .option('--timeout <time>', 'how long --wait may take, e.g. 10m', durationFlag('--timeout'), 600_000),
  ).action(async (flags: LagFlags) => {
    const runtime = await resolveRuntime(flags);
    if (!runtime) return;
    const { config, bindings } = pipelineStreaming(runtime.config, runtime.pipeline.resolved);
    const lag = flags.wait
      ? await waitForCatchUp(config, { timeoutMs: flags.timeout, bindings, onLag: (l) => say(formatLag(l)) })
      : await currentLag(config, bindings);
    say(flags.wait ? 'caught up: every streaming query has read all published records' : formatLag(lag));
  });
}
