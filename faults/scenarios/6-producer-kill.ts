// Scenario 6: the producer SIGKILLed mid-run, then run again with the same seed (same users, same
// order). Measures the producer's at-least-once window: records Kafka stored that the killed producer
// never saw acknowledged (it would have to send them again), and how many records the rerun re-sent.
import type { Scenario } from '../scenario.js';
import { kafkaRecordCounts, readAckLog } from '../store.js';
import { producerExitCheck } from './checks.js';

export const producerKill: Scenario = {
  id: '6',
  name: 'producer SIGKILLed mid-run, rerun with the same seed',
  inQuick: false,
  run: async (ctx) => {
    const topics = ctx.bindings.map((b) => b.topic);
    await ctx.startStreaming();
    const first = ctx.startProducer();
    await ctx.waitForAcks(Math.floor(ctx.users * topics.length * (0.4 + 0.2 * ctx.random())), first);
    ctx.markFault('producer SIGKILL');
    first.kill('SIGKILL');
    const firstExit = await first.exited;
    const acknowledged = readAckLog(ctx.ackLog).length;
    const stored = Object.values(await kafkaRecordCounts(ctx.config, topics)).reduce((a, b) => a + b, 0);
    const window = stored - acknowledged;
    ctx.log(`producer killed (${firstExit.signal ?? firstExit.code}) after ${acknowledged} acknowledged records; Kafka holds ${stored}: ${window} unacknowledged`);
    const second = ctx.startProducer();
    const secondExit = await second.exited;
    const resent = readAckLog(ctx.ackLog).length - ctx.users * topics.length;
    return {
      measurements: { acknowledgedBeforeKill: acknowledged, inKafkaAtKill: stored, unacknowledgedInKafka: window, resentByRerun: resent },
      explanation:
        `At-least-once window: when the producer was killed, Kafka held ${window} records (${stored} - ${acknowledged}) whose acknowledgement it never saw; ` +
        `a producer restarted from its own records would have to send them again. The rerun with the same seed re-sends every user (${resent} records twice in Kafka); ` +
        'the upsert by _id keeps one document per user, so the store has no duplicate. Guarantee: at-least-once into Kafka, exactly-once per user in the store.',
      failedChecks: [...(firstExit.signal === 'SIGKILL' ? [] : [`the first producer was not killed: ${firstExit.code}`]), ...producerExitCheck(secondExit, second)],
    };
  },
};
