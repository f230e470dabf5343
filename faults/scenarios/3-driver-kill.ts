// Scenario 3: the Spark Connect server (the driver, which runs every streaming query) SIGKILLed mid-run.
// The foreground `stream start` notices, starts the crashed local server again (`up --only spark`) and
// resumes the queries from their checkpoints in a new session: nobody else restarts anything.
import { expectedQueries } from '../../src/stream/index.js';
import type { Scenario, ScenarioOutcome } from '../scenario.js';
import { producerExitCheck } from './checks.js';
import { RESUMED, supervisedScenario, type Strike } from './supervised.js';

async function killDriver(ctx: Parameters<Scenario['run']>[0], { pipeline, producer, from }: Strike): Promise<ScenarioOutcome> {
  const { pid } = ctx.cluster.record('spark');
  ctx.markFault('Spark Connect server (driver) SIGKILL');
  const t0 = Date.now();
  await ctx.cluster.stop('spark', 'SIGKILL');
  const gone = await pipeline.waitFor(/Spark Connect at \S+ is gone/, 120_000, from);
  const resumed = await pipeline.waitFor(RESUMED, 600_000, from);
  const newPid = ctx.cluster.record('spark').pid;
  ctx.log(`driver pid ${pid} killed; noticed after ${gone.at - t0} ms; new driver pid ${newPid}; ${resumed.match[0]}`);
  const queries = Number(resumed.match[1]);
  const expected = expectedQueries(ctx.bindings, ctx.config.stream.queries).length;
  return {
    measurements: { noticedMs: gone.at - t0, resumedMs: resumed.at - t0, resumedQueries: queries },
    failedChecks: [
      ...producerExitCheck(await producer.exited, producer),
      ...(newPid === pid ? ['the driver was not restarted'] : []),
      ...(queries === expected ? [] : [`resumed ${queries} queries, expected ${expected}`]),
    ],
  };
}

export const driverKilled: Scenario = {
  id: '3',
  name: 'Spark Connect server (driver) SIGKILLed mid-run; stream start restarts it and resumes the queries',
  inQuick: true,
  run: (ctx) => supervisedScenario(ctx, (strike) => killDriver(ctx, strike)),
};
