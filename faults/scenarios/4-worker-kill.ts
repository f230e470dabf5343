// Scenario 4: a Spark worker SIGKILLed mid-run. Its executor dies with it; the driver reschedules the
// lost tasks on the other worker and the queries go on. The worker is started again at the end.
import type { Scenario } from '../scenario.js';
import { producerExitCheck } from './checks.js';

export const workerKill: Scenario = {
  id: '4',
  name: 'Spark worker SIGKILLed mid-run',
  inQuick: false,
  run: async (ctx) => {
    await ctx.startStreaming();
    const producer = ctx.startProducer();
    await ctx.waitForAcks(Math.floor(ctx.users * ctx.bindings.length * (0.3 + 0.2 * ctx.random())), producer);
    const victim = `spark-worker-${1 + Math.floor(ctx.random() * ctx.config.cluster.sparkWorkers)}`;
    ctx.markFault(`${victim} SIGKILL`);
    await ctx.cluster.stop(victim, 'SIGKILL');
    const exit = await producer.exited;
    const t0 = Date.now();
    const restarted = await ctx.cluster.restartMissing();
    ctx.log(`restarted ${restarted.join(', ')} in ${Date.now() - t0} ms`);
    return { measurements: { victim, workerRestartMs: Date.now() - t0 }, failedChecks: producerExitCheck(exit, producer) };
  },
};
