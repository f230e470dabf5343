import { Command } from 'commander';
import { currentLag, waitForCatchUp, type Lag } from '../../app/lag.js';
import { durationFlag } from '../flags.js';
import { addGlobalOptions, maybePrintConfig, resolveConfig, say, type GlobalOptions } from '../context.js';

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
    const config = resolveConfig(flags);
    if (maybePrintConfig(flags, config)) return;
    const lag = flags.wait
      ? await waitForCatchUp(config, { timeoutMs: flags.timeout, onLag: (l) => say(formatLag(l)) })
      : await currentLag(config);
    say(flags.wait ? 'caught up: every streaming query has read all published records' : formatLag(lag));
  });
}
