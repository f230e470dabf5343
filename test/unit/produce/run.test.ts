import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../support/virtual-clock.js';
import type { ProgressState } from '../../../src/produce/progress.js';
import { runProducer, type RunProducerOptions } from '../../../src/produce/run.js';
import { fakeApi, fakeProducer, keysOf, toMessages, TOPICS, type FakeUser } from './fakes.js';

const recordKey = (user: FakeUser): string => user.id;

function setup(options: Partial<RunProducerOptions> = {}, api = fakeApi(), producer = fakeProducer()) {
  const clock = new VirtualClock();
  const warnings: string[] = [];
  const progress: ProgressState[] = [];
  const run = () =>
    runProducer<FakeUser>(
      {
        topics: TOPICS,
        batchSize: 10,
        pacing: 'together',
        seed: '7',
        onWarning: (m) => warnings.push(m),
        onProgress: (p) => progress.push(p),
        ...options,
      },
      { fetchBatch: api.fetchBatch, recordKey, toMessages, send: producer.send, flush: producer.flush, clock },
    );
  return { run, api, producer, clock, warnings, progress };
}

const perTopic = (n: number): Record<string, number> => Object.fromEntries(TOPICS.map((t) => [t, n]));

describe('runProducer: counts', () => {
  it('produces exactly `count` users to every topic, asking the API only for what it needs', async () => {
    const { run, api, producer } = setup({ count: 95 });
    const summary = await run();
    expect(summary.produced).toEqual(perTopic(95));
    expect(summary.failed).toEqual(perTopic(0));
    expect(summary.stopReason).toBe('count');
    expect(summary.aborted).toBe(false);
    expect(summary.fetched).toBe(95);
    expect(api.calls.map((c) => c.count)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(api.calls.map((c) => c.page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const topic of TOPICS) expect(new Set(keysOf(producer.sent, topic)).size).toBe(95);
    expect(producer.sent.every((m) => m.headers['schema-version'] === '1' && m.headers['content-type'] === 'application/json')).toBe(true);
  });

  it('fetches replacements for invalid records so the count is still exact', async () => {
    const { run } = setup({ count: 30 }, fakeApi({ invalidPerPage: 2 }));
    const summary = await run();
    expect(summary.produced).toEqual(perTopic(30));
    expect(summary.invalid).toBe(6);
  });

  it('skips a user the router cannot project, counts it invalid, and fetches a replacement', async () => {
    const api = fakeApi();
    const producer = fakeProducer();
    const clock = new VirtualClock();
    const warnings: string[] = [];
    const summary = await runProducer<FakeUser>(
      { topics: TOPICS, count: 20, batchSize: 10, pacing: 'together', seed: '7', onWarning: (m) => warnings.push(m) },
      {
        fetchBatch: api.fetchBatch,
        recordKey,
        toMessages: (user) => (user.id === '7:1:3' ? toMessages(user).slice(1) : toMessages(user)),
        send: producer.send,
        flush: producer.flush,
        clock,
      },
    );
    expect(summary.produced).toEqual(perTopic(20));
    expect(summary.invalid).toBe(1);
    expect(keysOf(producer.sent, 'users.profile')).not.toContain('7:1:3');
    expect(warnings.join('\n')).toMatch(/record 7:1:3 skipped: not exactly one record for topic\(s\) users.profile/);
  });

  it('skips a record whose messages name a topic that is not produced, saying which', async () => {
    const producer = fakeProducer();
    const warnings: string[] = [];
    const summary = await runProducer<FakeUser>(
      { topics: TOPICS, count: 20, batchSize: 10, pacing: 'together', seed: '7', onWarning: (m) => warnings.push(m) },
      {
        fetchBatch: fakeApi().fetchBatch,
        recordKey,
        toMessages: (user) => (user.id === '7:1:2' ? [...toMessages(user), { ...toMessages(user)[0]!, topic: 'elsewhere' }] : toMessages(user)),
        send: producer.send,
        flush: producer.flush,
        clock: new VirtualClock(),
      },
    );
    expect(summary.produced).toEqual(perTopic(20));
    expect(summary.invalid).toBe(1);
    expect(keysOf(producer.sent, 'users.profile')).not.toContain('7:1:2');
    expect(warnings.join('\n')).toMatch(/record 7:1:2 skipped: a record for unconfigured topic elsewhere/);
  });
});

describe('runProducer: exactly once', () => {
  it('retries a failed fetch for the same page and sends nobody twice', async () => {
    const { run, api, producer, warnings } = setup({ count: 40 }, fakeApi({ failures: [2, 3] }));
    const summary = await run();
    expect(api.calls.map((c) => c.page)).toEqual([1, 2, 2, 2, 3, 4]);
    expect(summary.fetchErrors).toBe(2);
    expect(summary.produced).toEqual(perTopic(40));
    for (const topic of TOPICS) {
      const keys = keysOf(producer.sent, topic);
      expect(keys).toHaveLength(40);
      expect(new Set(keys).size).toBe(40);
    }
    expect(warnings).toHaveLength(2);
  });

  it('drops users the API repeats, by id', async () => {
    const { run, producer } = setup({ count: 40 }, fakeApi({ overlapPreviousPage: 3 }));
    const summary = await run();
    expect(summary.duplicates).toBeGreaterThan(0);
    expect(summary.produced).toEqual(perTopic(40));
    for (const topic of TOPICS) expect(new Set(keysOf(producer.sent, topic)).size).toBe(40);
  });

  it('gives up when the API keeps failing and says so', async () => {
    const failures = Array.from({ length: 100 }, (_, i) => i + 1);
    const { run } = setup({ count: 40, maxConsecutiveFetchFailures: 3 }, fakeApi({ failures }));
    const summary = await run();
    expect(summary.stopReason).toBe('fetch-failed');
    expect(summary.fetchErrors).toBe(3);
    expect(summary.lastFetchError).toMatch(/503/);
    expect(summary.produced).toEqual(perTopic(0));
  });
});

describe('runProducer: pacing', () => {
  it('keeps every fetch gap inside --interval 50..150ms and repeats itself for --seed 7', async () => {
    const options = { count: 200, pacing: 'together' as const, interval: { kind: 'uniform' as const, minMs: 50, maxMs: 150 } };
    const first = setup(options);
    const a = await first.run();
    expect(a.fetchGapsMs).toHaveLength(19); // 20 fetches of 10
    for (const gap of a.fetchGapsMs) {
      expect(gap).toBeGreaterThanOrEqual(50);
      expect(gap).toBeLessThanOrEqual(150);
    }
    const second = setup(options);
    const b = await second.run();
    expect(b.fetchGapsMs).toEqual(a.fetchGapsMs);
    expect(keysOf(second.producer.sent, 'users.profile')).toEqual(keysOf(first.producer.sent, 'users.profile'));
    // Virtual time: the run took exactly the sum of its gaps.
    expect(a.elapsedMs).toBeCloseTo(a.fetchGapsMs.reduce((x, y) => x + y, 0), 6);

    const other = await setup({ ...options, seed: '8' }).run();
    expect(other.fetchGapsMs).not.toEqual(a.fetchGapsMs);
  });

  it('paces topics independently over one shared, once-fetched user sequence', async () => {
    const { run, api, producer } = setup({ count: 50, pacing: 'independent', interval: { kind: 'exponential', meanRatePerSec: 20 } });
    const summary = await run();
    expect(summary.produced).toEqual(perTopic(50));
    expect(Object.keys(summary.gapsByLane)).toEqual([...TOPICS]);
    // Each topic has its own gap stream.
    expect(summary.gapsByLane['users.profile']).not.toEqual(summary.gapsByLane['users.location']);
    // One fetch per page, shared by all topics.
    expect(api.calls.map((c) => c.page)).toEqual([1, 2, 3, 4, 5]);
    const profileKeys = keysOf(producer.sent, 'users.profile');
    for (const topic of TOPICS) expect(keysOf(producer.sent, topic)).toEqual(profileKeys);
  });

  it('stops at the duration', async () => {
    const { run } = setup({ durationMs: 1000, pacing: 'together', interval: { kind: 'uniform', minMs: 100, maxMs: 100 } });
    const summary = await run();
    expect(summary.stopReason).toBe('duration');
    expect(summary.elapsedMs).toBe(1000);
    // Ticks at 0, 100, ..., 900.
    expect(summary.produced['users.profile']).toBe(100);
  });

  it('stays under --rate', async () => {
    const { run, clock } = setup({ count: 100, rate: 20 });
    const summary = await run();
    expect(summary.produced).toEqual(perTopic(100));
    // 100 users at 20/s with a burst of 2 cannot finish before (100 - 2) / 20 s.
    expect(clock.now()).toBeGreaterThanOrEqual(4900 - 1e-6);
  });
});

describe('runProducer: abort and failures', () => {
  it('on abort stops taking users, flushes, and reports every record in flight', async () => {
    const producer = fakeProducer({ holdUntilFlush: true });
    const controller = new AbortController();
    const { run } = setup(
      {
        signal: controller.signal,
        maxPendingRecords: 1_000_000,
        pacing: 'together', interval: { kind: 'uniform', minMs: 100, maxMs: 100 },
        onProgress: (p) => {
          if ((p.topics['users.profile']?.dispatched ?? 0) >= 30) controller.abort();
        },
        progressIntervalMs: 0,
      },
      fakeApi(),
      producer,
    );
    const summary = await run();
    expect(summary.aborted).toBe(true);
    expect(summary.stopReason).toBe('aborted');
    expect(producer.flushes).toBe(1);
    expect(producer.inFlight).toBe(0);
    const dispatched = keysOf(producer.sent, 'users.profile').length;
    expect(dispatched).toBe(30);
    // Everything dispatched was acknowledged before runProducer returned.
    expect(summary.produced).toEqual(perTopic(dispatched));
  });

  it('counts deliveries that finally fail instead of dropping them', async () => {
    const producer = fakeProducer({ fail: (m) => m.topic === 'users.contact' && m.key.endsWith(':3') });
    const { run } = setup({ count: 50 }, fakeApi(), producer);
    const summary = await run();
    expect(summary.failed['users.contact']).toBe(5);
    expect(summary.produced['users.contact']).toBe(45);
    expect(summary.produced['users.profile']).toBe(50);
    expect(summary.failureReasons).toEqual({ 'users.contact': 'NOT_ENOUGH_REPLICAS' });
  });

  it('counts a send that rejects or throws as a failure of that record', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const summary = await runProducer<FakeUser>(
      { topics: ['users.profile'], count: 3, batchSize: 3, pacing: 'together', seed: '1' },
      {
        fetchBatch: fakeApi().fetchBatch,
        recordKey,
        toMessages: (u) => toMessages(u).slice(0, 1),
        send: (m) => {
          calls++;
          if (calls === 1) throw new Error('sync boom');
          if (calls === 2) return Promise.reject(new Error('async boom'));
          return Promise.resolve({ ok: true, topic: m.topic, key: m.key, partition: 0, offset: 0n });
        },
        flush: async () => {},
        clock,
      },
    );
    expect(summary.produced).toEqual({ 'users.profile': 1 });
    expect(summary.failed).toEqual({ 'users.profile': 2 });
  });

  it('reports progress with per-topic counts, ending with the final state', async () => {
    const { run, progress } = setup({ count: 30, progressIntervalMs: 0 });
    const summary = await run();
    expect(progress.length).toBeGreaterThan(3);
    const last = progress.at(-1) as ProgressState;
    expect(last.topics['users.account']).toEqual({ dispatched: 30, produced: 30, failed: 0 });
    expect(last.fetched).toBe(summary.fetched);
  });

  it('validates its options', async () => {
    await expect(setup({ count: 0 }).run()).rejects.toThrow(/count must be a whole number >= 1/);
    await expect(setup({ batchSize: 2.5 }).run()).rejects.toThrow(/batchSize/);
    await expect(setup({ topics: [] }).run()).rejects.toThrow(/no topics/);
    // What createRouter checked before #23 deleted it, now runProducer's own: a duplicate topic, a record for a topic not produced.
    await expect(setup({ topics: ['users.profile', 'users.profile'] }).run()).rejects.toThrow('topic list has duplicates: users.profile, users.profile');
    await expect(setup({ rate: -1 }).run()).rejects.toThrow(/rate/);
  });
});
