import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfter, retryDelayMs, uuidFromBytes } from '../../../src/source/index.js';

const options = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };

describe('backoff', () => {
  it('is uniform in [0, min(max, base * 2^(n-1))]', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, options, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
  });

  it('prefers the server Retry-After, bounded', () => {
    expect(retryDelayMs(1, 2_000, options, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(1, 3_600_000, options, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(2, undefined, options, () => 0.5)).toBe(100);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2015, 9, 21, 7, 28, 0);
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
    ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('%j -> %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('uuidFromBytes', () => {
  it('sets the version and variant bits', () => {
    expect(uuidFromBytes(new Uint8Array(16).fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(() => uuidFromBytes(new Uint8Array(4))).toThrow(/16 bytes/);
  });
});
