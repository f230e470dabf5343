// Scenario 5: the store (FerretDB) stopped for 30 s mid-run, then started again, while records keep
// arriving. Whether the writing batch rides it out (the MongoDB driver waits 30 s for a server, Spark
// retries tasks) or the queries fail and the foreground `stream start` restarts them once the store
// answers, the checkpoints and upserts by _id leave nothing lost or duplicated (docs/decisions.md, Recovery).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Scenario, ScenarioOutcome } from '../scenario.js';
import { producerExitCheck } from './checks.js';
import { RESUMED, supervisedScenario, type Strike } from './supervised.js';

const OUTAGE_MS = 30_000;

async function stopStore(ctx: Parameters<Scenario['run']>[0], { pipeline, producer, from }: Strike): Promise<ScenarioOutcome> {
  ctx.markFault(`store stopped for ${OUTAGE_MS / 1000} s`);
  const t0 = Date.now();
  await ctx.cluster.stop('ferretdb', 'SIGTERM');
  // More records while the store is away, so a batch has to write during the outage.
  const during = ctx.startProducer({ count: Math.ceil(ctx.users / 4), seed: `${ctx.seed}-during-outage` });
  await sleep(Math.max(0, t0 + OUTAGE_MS - Date.now())); // the fault's duration, not synchronisation
  const restarted = await ctx.cluster.restartMissing();
  const backAt = Date.now();
  ctx.log(`store down for ${backAt - t0} ms; restarted ${restarted.join(', ')}`);
  const [exit, duringExit] = [await producer.exited, await during.exited];
  // Either the queries never failed, or they failed and must have been resumed.
  const failed = / the store at \S+ is not answering/.test(pipeline.output().slice(from));
  const resumed = failed ? await pipeline.waitFor(RESUMED, 300_000, from) : undefined;
  return {
    measurements: { outageMs: backAt - t0, queriesFailed: failed ? 'yes, restarted by stream start' : 'no, the batch waited', ...(resumed ? { resumedAfterStoreBackMs: resumed.at - backAt } : {}) },
    failedChecks: [
      ...producerExitCheck(exit, producer),
      ...producerExitCheck(duringExit, during),
      ...(restarted.includes('ferretdb') ? [] : [`ferretdb was not restarted (restarted: ${restarted.join(', ') || 'none'})`]),
    ],
  };
}

export const storeStopped: Scenario = {
  id: '5',
  name: 'store stopped for 30 s mid-run, then started; queries ride it out or stream start restarts them',
  inQuick: true,
  run: (ctx) => supervisedScenario(ctx, (strike) => stopStore(ctx, strike)),
};
