import { describe, expect, it } from 'vitest';
import { DedupeWindow, latest, pushBounded } from '../../../src/produce/dedupe-window.js';

describe('DedupeWindow', () => {
  it('catches a repeat within the window and forgets the oldest ids beyond maxIds', () => {
    const window = new DedupeWindow({ maxIds: 3, now: () => 0 });
    expect(['a', 'b', 'c'].map((id) => window.seenBefore(id))).toEqual([false, false, false]);
    expect(window.seenBefore('b')).toBe(true);
    expect(window.seenBefore('d')).toBe(false); // a leaves the window
    expect(window.size).toBe(3);
    expect(window.forgotten).toBe(1);
    expect(window.seenBefore('a')).toBe(false); // outside the window: not caught (the store's upsert absorbs it)
    expect(window.seenBefore('d')).toBe(true);
  });

  it('forgets ids older than maxAgeMs', () => {
    let now = 0;
    const window = new DedupeWindow({ maxIds: 100, maxAgeMs: 1_000, now: () => now });
    window.seenBefore('a');
    now = 500;
    window.seenBefore('b');
    now = 1_200;
    expect(window.seenBefore('b')).toBe(true);
    expect(window.seenBefore('a')).toBe(false);
  });

  it('stays at its bound over a million distinct ids', () => {
    const window = new DedupeWindow({ maxIds: 1_000, now: () => 0 });
    for (let i = 0; i < 1_000_000; i++) window.seenBefore(`user-${i}`);
    expect(window.size).toBe(1_000);
    expect(window.forgotten).toBe(999_000);
  });

  it('refuses a window that holds nothing', () => {
    expect(() => new DedupeWindow({ maxIds: 0, now: () => 0 })).toThrow(/at least 1 id/);
  });
});

describe('pushBounded', () => {
  it('keeps at most twice the bound and reports the latest values', () => {
    const values: number[] = [];
    for (let i = 0; i < 10_000; i++) pushBounded(values, i, 100);
    expect(values.length).toBeLessThan(200);
    expect(latest(values, 100)).toEqual(Array.from({ length: 100 }, (_, i) => 9_900 + i));
  });
});

describe('produce-long progress parsing', () => {
  it('reads the latest fetched count from the progress lines', async () => {
    const { usersFromProgress } = await import('../../../bench/produce-long.js');
    expect(usersFromProgress('5.0s  fetched 9,500 (invalid 0)  a 9,000 @ 1/s\n10.0s  fetched 101,000 (invalid 0)  a 100,500 @ 2/s\n')).toBe(101_000);
    expect(usersFromProgress('starting')).toBeUndefined();
  });
});
