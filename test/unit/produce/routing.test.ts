import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/core/clock.js';
import { VirtualClock } from '../../support/virtual-clock.js';
import { createRouter, jsonMessage, type TopicRoute } from '../../../src/produce/message.js';
import { planLanes, runLane, TOGETHER_LANE } from '../../../src/produce/scheduler.js';

interface User {
  id: string;
  city: string;
}

const routes: TopicRoute<User>[] = [
  { topic: 'users.profile', toMessage: (u) => jsonMessage('users.profile', u.id, { id: u.id }) },
  { topic: 'users.location', toMessage: (u) => jsonMessage('users.location', u.id, { city: u.city }) },
];

describe('createRouter', () => {
  it('projects a user into one record per configured topic, in the configured order', () => {
    const toMessages = createRouter(routes, ['users.location', 'users.profile']);
    expect(toMessages({ id: 'u1', city: 'Köln' })).toEqual([
      { topic: 'users.location', key: 'u1', value: '{"city":"Köln"}', headers: { 'schema-version': '1', 'content-type': 'application/json' } },
      { topic: 'users.profile', key: 'u1', value: '{"id":"u1"}', headers: { 'schema-version': '1', 'content-type': 'application/json' } },
    ]);
  });

  it('rejects topics without a route, naming them and the known ones', () => {
    expect(() => createRouter(routes, ['users.profile', 'users.contcat'])).toThrow('no route for topic(s) users.contcat; known topics: users.profile, users.location');
    expect(() => createRouter(routes, ['users.profile', 'users.profile'])).toThrow(/duplicates/);
  });

  it('catches a route that writes to the wrong topic', () => {
    const broken = createRouter([{ topic: 'a', toMessage: (u: User) => jsonMessage('b', u.id, {}) }], ['a']);
    expect(() => broken({ id: 'u', city: '' })).toThrow('route for a produced a record for b');
  });
});

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
