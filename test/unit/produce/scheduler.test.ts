// The producer's lanes: one schedule for all topics or one per topic, gaps on the injected clock, backoff,
// deadline and abort. (Routing a record to its topics is runRecords' and runProducer's: records.test.ts, run.test.ts.)
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/core/clock.js';
import { VirtualClock } from '../../support/virtual-clock.js';
import { planLanes, runLane, TOGETHER_LANE } from '../../../src/produce/scheduler.js';

describe('scheduler', () => {
  it('plans one lane for all topics, or one per topic with distinct, reproducible gaps', () => {
    const interval = { kind: 'uniform', minMs: 0, maxMs: 1000 } as const;
    expect(planLanes(['a', 'b'], 'together', interval, '7').map((l) => [l.name, l.topics])).toEqual([[TOGETHER_LANE, ['a', 'b']]]);
    const [a, b] = planLanes(['a', 'b'], 'independent', interval, '7');
    const [a2] = planLanes(['a', 'b'], 'independent', interval, '7');
    const draw = (lane: typeof a) => Array.from({ length: 5 }, () => lane?.nextGapMs());
    const gapsA = draw(a);
    expect(draw(a2)).toEqual(gapsA);
    expect(draw(b)).not.toEqual(gapsA);
  });

  it('runs ticks separated by gaps on the injected clock, and reports each gap before the next tick', async () => {
    const clock = new VirtualClock();
    const [lane] = planLanes(['a'], 'together', { kind: 'uniform', minMs: 100, maxMs: 100 }, '1');
    const tickTimes: number[] = [];
    const gaps: number[] = [];
    const end = await runLane(
      lane as NonNullable<typeof lane>,
      async () => {
        tickTimes.push(clock.now());
        return tickTimes.length === 3 ? 'done' : 'continue';
      },
      { clock, onGap: (g) => gaps.push(g) },
    );
    expect(end).toBe('done');
    expect(tickTimes).toEqual([0, 100, 200]);
    expect(gaps).toEqual([100, 100]);
  });

  it('backs off after failed ticks and resets after a success', async () => {
    const clock = new VirtualClock();
    const [lane] = planLanes(['a'], 'together', undefined, '1');
    const outcomes = ['retry', 'retry', 'continue', 'done'] as const;
    const tickTimes: number[] = [];
    await runLane(lane as NonNullable<typeof lane>, async () => outcomes[tickTimes.push(clock.now()) - 1] ?? 'done', { clock });
    expect(tickTimes).toEqual([0, 100, 300, 300]);
  });

  it('stops at the deadline and on abort, without waiting out the gap', async () => {
    const clock = new VirtualClock();
    const [lane] = planLanes(['a'], 'together', { kind: 'uniform', minMs: 400, maxMs: 400 }, '1');
    expect(await runLane(lane as NonNullable<typeof lane>, async () => 'continue', { clock, deadline: 1000 })).toBe('deadline');
    expect(clock.now()).toBe(1000);

    // A clock whose sleeps only end by abort: the lane must return from inside its pause.
    const frozen: Clock = { now: () => 0, sleep: (_ms, signal) => new Promise((resolve) => signal?.addEventListener('abort', () => resolve())) };
    const controller = new AbortController();
    let ticks = 0;
    const ending = runLane(lane as NonNullable<typeof lane>, async () => {
      ticks++;
      return 'continue';
    }, { clock: frozen, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 0));
    controller.abort();
    expect(await ending).toBe('aborted');
    expect(ticks).toBe(1);
  });
});
