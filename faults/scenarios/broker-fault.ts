// Scenarios 1 and 2: the broker leading the busiest partition of the first topic goes away mid-run
// (SIGKILL, or SIGTERM = controlled shutdown) and is started again while the producer still runs.
import type { Scenario, ScenarioContext, ScenarioOutcome } from '../scenario.js';
import { producerExitCheck } from './checks.js';

async function brokerFault(ctx: ScenarioContext, signal: 'SIGKILL' | 'SIGTERM'): Promise<ScenarioOutcome> {
  await ctx.startStreaming();
  const producer = ctx.startProducer();
  const records = ctx.users * ctx.bindings.length;
  // Strike somewhere between 30 % and 50 % of the run (seeded), restart at 75 %.
  await ctx.waitForAcks(Math.floor(records * (0.3 + 0.2 * ctx.random())), producer);
  const victim = await ctx.cluster.busiestLeader(ctx.bindings[0]?.topic as string);
  ctx.markFault(`${victim} ${signal}`);
  const t0 = Date.now();
  await ctx.cluster.stop(victim, signal);
  const stopMs = Date.now() - t0;
  ctx.log(`${victim} stopped with ${signal} after ${stopMs} ms`);
  await Promise.race([ctx.waitForAcks(Math.floor(records * 0.75), producer).catch(() => undefined), producer.exited]);
  const t1 = Date.now();
  const restarted = await ctx.cluster.restartMissing();
  const restartMs = Date.now() - t1;
  const isrMs = await ctx.cluster.waitFullIsr();
  ctx.log(`restarted ${restarted.join(', ')} in ${restartMs} ms; ISR full again ${isrMs} ms later`);
  const exit = await producer.exited;
  return {
    measurements: { victim, stopMs, restartMs, isrFullAfterRestartMs: isrMs },
    failedChecks: [...producerExitCheck(exit, producer), ...(restarted.includes(victim) ? [] : [`${victim} was not restarted (restarted: ${restarted.join(', ') || 'none'})`])],
  };
}

export const leaderKill: Scenario = {
  id: '1',
  name: 'leader broker of the busiest partition SIGKILLed mid-run, restarted',
  inQuick: true,
  run: (ctx) => brokerFault(ctx, 'SIGKILL'),
};

export const brokerControlledShutdown: Scenario = {
  id: '2',
  name: 'leader broker stopped gracefully (controlled shutdown) mid-run, restarted',
  inQuick: false,
  run: (ctx) => brokerFault(ctx, 'SIGTERM'),
};
