import { describe, expect, it } from 'vitest';
import { backoffMs, systemClock, withTimeout } from '../../../src/core/clock.js';
import { VirtualClock } from '../../support/virtual-clock.js';

describe('the clock', () => {
  it('an aborted sleep resolves (never rejects), at once, on the real clock and the virtual one', async () => {
    const aborted = AbortSignal.abort(new Error('stop'));
    const t0 = performance.now();
    await expect(systemClock.sleep(60_000, aborted)).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = systemClock.sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).resolves.toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(1_000);

    const virtual = new VirtualClock();
    const later = new AbortController();
    const sleeping = virtual.sleep(60_000, later.signal);
    later.abort();
    await expect(sleeping).resolves.toBeUndefined();
    expect(virtual.now()).toBe(0);
  });

  it('sleeps on the virtual clock move its time, not ours', async () => {
    const clock = new VirtualClock(1_000);
    await clock.sleep(3_600_000);
    expect(clock.now()).toBe(3_601_000);
  });
});

describe('backoff', () => {
  it('doubles from the initial wait up to the cap; attempt counts from 1', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs({ initialMs: 100, maxMs: 1_000 }, attempt))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoffMs({ initialMs: 100, maxMs: 1_000 }, 0)).toBe(100);
  });
});

describe('withTimeout', () => {
  it('passes the work\'s result or error through when it settles first', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000, () => new Error('late'))).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('broken')), 1_000, () => new Error('late'))).rejects.toThrow('broken');
  });

  it('rejects with the timeout error when the work does not settle in time', async () => {
    const never = new Promise<number>(() => undefined);
    await expect(withTimeout(never, 10, () => new Error('no answer within 10 ms'))).rejects.toThrow('no answer within 10 ms');
  });
});
