import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../support/virtual-clock.js';
import { RateLimiter, describeInterval, intervalGenerator, validateInterval } from '../../../src/produce/pacing.js';
import { deriveSeed, seededRandom } from '../../../src/source/random.js';

const draws = (next: () => number, n: number): number[] => Array.from({ length: n }, next);

describe('seededRandom and deriveSeed', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    expect(draws(seededRandom(7), 5)).toEqual(draws(seededRandom(7), 5));
    expect(draws(seededRandom(7), 5)).not.toEqual(draws(seededRandom(8), 5));
  });

  it('stays in [0, 1)', () => {
    for (const x of draws(seededRandom(123), 10_000)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('derives stable, label-dependent seeds', () => {
    expect(deriveSeed('7', 'lane', 'users.profile')).toBe(deriveSeed('7', 'lane', 'users.profile'));
    expect(deriveSeed('7', 'lane', 'users.profile')).not.toBe(deriveSeed('7', 'lane', 'users.contact'));
    // Separator matters: ('ab','c') and ('a','bc') are different streams.
    expect(deriveSeed('ab', 'c')).not.toBe(deriveSeed('a', 'bc'));
  });
});

describe('interval generators', () => {
  it('draws uniform gaps inside the bounds, reproducibly', () => {
    const spec = { kind: 'uniform', minMs: 50, maxMs: 150 } as const;
    const gaps = draws(intervalGenerator(spec, seededRandom(deriveSeed('7'))), 5000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(150);
    // Spread across the range, not stuck at one end.
    expect(Math.min(...gaps)).toBeLessThan(55);
    expect(Math.max(...gaps)).toBeGreaterThan(145);
    expect(draws(intervalGenerator(spec, seededRandom(deriveSeed('7'))), 5000)).toEqual(gaps);
  });

  it('handles a degenerate uniform range', () => {
    expect(draws(intervalGenerator({ kind: 'uniform', minMs: 100, maxMs: 100 }, seededRandom(1)), 3)).toEqual([100, 100, 100]);
  });

  it('draws exponential gaps whose mean is 1000 / rate', () => {
    const gaps = draws(intervalGenerator({ kind: 'exponential', meanRatePerSec: 4 }, seededRandom(42)), 100_000);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(250 * 0.98);
    expect(mean).toBeLessThan(250 * 1.02);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0);
    // Capped at ten means by default.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2500);
  });

  it('honours an explicit exponential cap', () => {
    const gaps = draws(intervalGenerator({ kind: 'exponential', meanRatePerSec: 1, maxMs: 1200 }, seededRandom(3)), 10_000);
    expect(Math.max(...gaps)).toBe(1200);
  });

  it('rejects impossible specs with the field named', () => {
    expect(() => validateInterval({ kind: 'uniform', minMs: 200, maxMs: 100 })).toThrow(/maxMs/);
    expect(() => validateInterval({ kind: 'uniform', minMs: -1, maxMs: 100 })).toThrow(/minMs/);
    expect(() => validateInterval({ kind: 'exponential', meanRatePerSec: 0 })).toThrow(/meanRatePerSec/);
  });

  it('describes specs for humans', () => {
    expect(describeInterval(undefined)).toBe('no pause');
    expect(describeInterval({ kind: 'uniform', minMs: 50, maxMs: 150 })).toBe('uniform 50..150 ms');
    expect(describeInterval({ kind: 'exponential', meanRatePerSec: 2 })).toBe('exponential, mean rate 2/s');
  });
});

describe('RateLimiter', () => {
  it('lets a burst through, then spaces reservations at the rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ ratePerSec: 10, burst: 2 }, { now: () => now, sleep: async () => {} });
    expect(limiter.reserve()).toBe(0);
    expect(limiter.reserve()).toBe(0);
    expect(limiter.reserve()).toBeCloseTo(100);
    expect(limiter.reserve()).toBeCloseTo(200);
    now = 1000; // debt repaid, bucket refilled to the burst only
    expect(limiter.reserve()).toBe(0);
    expect(limiter.reserve()).toBe(0);
    expect(limiter.reserve()).toBeCloseTo(100);
  });

  it('never exceeds rate * time + burst over a run', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ ratePerSec: 20 }, clock);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      await limiter.take(1);
      times.push(clock.now());
    }
    // 200 units at 20/s with a burst of 2: about (200 - 2) / 20 = 9.9 s.
    expect(clock.now()).toBeCloseTo(9900, 0);
    for (let i = 0; i < times.length; i++) {
      const windowStart = times[i] as number;
      const inWindow = times.filter((t) => t >= windowStart && t < windowStart + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(20 + limiter.burst);
    }
  });

  it('rejects a non-positive rate', () => {
    expect(() => new RateLimiter({ ratePerSec: 0 }, new VirtualClock())).toThrow(/rate/);
  });
});
