// Scenario 7: the Random User API misbehaving for the whole run: 30 % of requests 5xx, 10 % never
// answered (slower than the client's 10 s timeout), 5 % with malformed records. The producer retries
// and drops broken records; every user it did send must arrive exactly once.
import type { Scenario } from '../scenario.js';
import { producerExitCheck } from './checks.js';

export const apiFaults: Scenario = {
  id: '7',
  name: 'API: 30 % 5xx, 10 % slower than the client timeout, 5 % malformed, all run long',
  inQuick: false,
  run: async (ctx) => {
    const api = await ctx.startApi({ errorRate: 0.3, hangRate: 0.1, malformedRate: 0.05, seed: ctx.seed });
    await ctx.startStreaming();
    const producer = ctx.startProducer({ apiUrl: api.url });
    const exit = await producer.exited;
    const summary = [...producer.output().matchAll(/invalid ([\d,]+)/g)].at(-1)?.[1]?.replace(/,/g, '');
    return {
      measurements: { apiRequests: api.requestCount(), ...(summary ? { invalidUsersDropped: Number(summary) } : {}) },
      failedChecks: producerExitCheck(exit, producer),
    };
  },
};
