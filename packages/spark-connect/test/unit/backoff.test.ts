import { describe, expect, it } from 'vitest';
import { retryBackoffMs, sleep } from '../../src/client/backoff.js';
import { DEFAULT_RETRY_POLICY } from '../../src/client/client.js';

describe('retry backoff', () => {
  it('starts at the initial backoff, 4x per retry, capped', () => {
    expect([0, 1, 2, 3].map((retry) => retryBackoffMs(DEFAULT_RETRY_POLICY, retry))).toEqual([100, 400, 1_000, 1_000]);
  });

  it('an aborted wait resolves at once instead of sleeping out the backoff', async () => {
    const t0 = performance.now();
    await expect(sleep(60_000, AbortSignal.abort())).resolves.toBeUndefined();
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});
