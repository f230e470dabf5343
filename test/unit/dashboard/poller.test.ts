import { describe, expect, it } from 'vitest';
import { Poller } from '../../../src/dashboard/poller.js';

describe('Poller', () => {
  it('keeps the last value with the error of a failed refresh', async () => {
    let calls = 0;
    const poller = new Poller('thing', async () => {
      calls++;
      if (calls === 2) throw new Error('store is down');
      return calls;
    }, 1_000, 1_000);
    await poller.once();
    expect(poller.section.value).toBe(1);
    await poller.once();
    expect(poller.section).toMatchObject({ value: 1, error: 'store is down' });
    await poller.once();
    expect(poller.section.value).toBe(3);
    expect(poller.section.error).toBeUndefined();
  });

  it('waits for a refresh that outlived its timeout instead of starting another one', async () => {
    let started = 0;
    let release: (v: number) => void = () => undefined;
    const poller = new Poller('slow', () => {
      started++;
      return new Promise<number>((resolve) => (release = resolve));
    }, 1_000, 20);
    await poller.once();
    expect(poller.section.error).toBe('slow: no answer within 20 ms');
    await poller.once();
    expect(started).toBe(1);
    release(42);
    await poller.once();
    expect(poller.section.value).toBe(42);
    expect(started).toBe(1);
  });
});
