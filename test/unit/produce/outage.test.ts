// The producer through a Kafka outage, on virtual time: runProducer with the real KafkaProducer on a
// fake client that refuses every request while "Kafka" is down, as the real one does after a SIGKILL.
import { MultipleErrors, NetworkError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../src/kafka/index.js';
import { KafkaProducer } from '../../../src/produce/index.js';
import { formatProgressLine, formatSummary, summaryHasFailures, type ProgressState } from '../../../src/produce/progress.js';
import { runProducer } from '../../../src/produce/run.js';
import { VirtualClock } from '../../support/virtual-clock.js';
import { fakeApi, toMessages, TOPICS, type FakeUser } from './fakes.js';
import { brokerLog, fakeClient, PARTITIONS, type ClientMessage } from '../kafka/client-fakes.js';

const ADDRESS = '127.0.0.1:9092';

/** A run of `count` users, 10 per fetch, 100-200 ms apart, into a Kafka that is down from `downAt` until `upAt`. */
async function runThroughOutage({ count, downAt, upAt, deliveryTimeoutMs }: { count: number; downAt: number; upAt: number; deliveryTimeoutMs?: number }) {
  const clock = new VirtualClock();
  const log = brokerLog();
  const written: ClientMessage[] = [];
  const fake = fakeClient(async (messages) => {
    if (clock.now() >= downAt && clock.now() < upAt) throw new MultipleErrors('Producing messages failed.', [new NetworkError('Connection closed')]);
    written.push(...messages);
    return log(messages);
  });
  const producer = new KafkaProducer(fake.client, { lingerMs: 0, clock, address: ADDRESS, ...(deliveryTimeoutMs ? { deliveryTimeoutMs } : {}) });
  const api = fakeApi();
  const fetchedAt: number[] = [];
  const progress: ProgressState[] = [];
  const summary = await runProducer<FakeUser>(
    { topics: TOPICS, count, batchSize: 10, pacing: 'together', seed: 's', interval: { kind: 'uniform', minMs: 100, maxMs: 200 }, onProgress: (p) => progress.push(p) },
    {
      fetchBatch: (n, position) => {
        fetchedAt.push(clock.now());
        return api.fetchBatch(n, position);
      },
      recordKey: (user) => user.id,
      toMessages,
      send: (message) => producer.send(message),
      flush: () => producer.flush(),
      kafkaHealth: () => producer.health(),
      clock,
    },
  );
  return { summary, written, fetchedAt, progress, api, producer, fake };
}

describe('a Kafka outage shorter than the delivery timeout', () => {
  it('pauses fetching, holds what it has, resumes in order when Kafka is back: nothing lost, nothing twice', async () => {
    const { summary, written, fetchedAt, progress, api, fake } = await runThroughOutage({ count: 600, downAt: 2_000, upAt: 62_000 });

    expect(summary.failed).toEqual(Object.fromEntries(TOPICS.map((t) => [t, 0])));
    expect(summary.produced).toEqual(Object.fromEntries(TOPICS.map((t) => [t, 600])));
    expect(summaryHasFailures(summary)).toBe(false);
    // No fetch while Kafka was away (the one in progress when it went may finish).
    expect(fetchedAt.filter((t) => t > 2_200 && t < 62_000)).toEqual([]);
    expect(summary.fetchPausedMs).toBeGreaterThan(59_000);
    expect(summary.fetchPausedMs).toBeLessThan(61_000);
    // Held: what was fetched before the outage and not yet acknowledged, a page or two, not more.
    expect(summary.maxInFlight).toBeLessThanOrEqual(2 * 10 * TOPICS.length);
    expect(fake.renewals).toBe(0);

    // Every record exactly once, and each partition in the order the users were fetched.
    const users = api.calls.flatMap((c) => Array.from({ length: c.count }, (_, i) => `${c.seed}:${c.page}:${i}`));
    for (const topic of TOPICS) {
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const inLog = written.filter((m) => m.topic === topic && partitionForKey(m.key as string, PARTITIONS) === partition).map((m) => m.key);
        expect(inLog, `${topic}:${partition}`).toEqual(users.filter((id) => partitionForKey(id, PARTITIONS) === partition));
      }
    }

    const during = progress.filter((p) => p.kafkaOutage?.fetchingPaused);
    expect(during.length).toBeGreaterThan(10);
    const last = during.at(-1) as ProgressState;
    expect(formatProgressLine(last)).toMatch(/Kafka at 127\.0\.0\.1:9092 unreachable for (59|60) s; holding \d+ records; fetching paused$/);
    expect(progress.at(-1)?.kafkaOutage).toBeUndefined();
    expect(formatSummary(summary)).toMatch(/fetching paused 1m0\ds while Kafka was away; at most \d+ records held/);
  });
});

describe('a Kafka outage longer than the delivery timeout', () => {
  it('gives up on the records it held at the timeout, stops fetching, and reports them by topic and user id', async () => {
    const { summary, written, fetchedAt, api } = await runThroughOutage({ count: 600, downAt: 2_000, upAt: Number.POSITIVE_INFINITY, deliveryTimeoutMs: 30_000 });

    expect(summary.stopReason).toBe('kafka-gave-up');
    expect(summaryHasFailures(summary)).toBe(true);
    expect(fetchedAt.filter((t) => t > 2_200)).toEqual([]);
    const fetchedIds = api.calls.flatMap((c) => Array.from({ length: c.count }, (_, i) => `${c.seed}:${c.page}:${i}`));
    for (const topic of TOPICS) {
      const delivered = written.filter((m) => m.topic === topic).map((m) => m.key as string);
      const failed = summary.failedKeys?.[topic] ?? [];
      expect(failed.length).toBeGreaterThan(0);
      expect(summary.failed[topic]).toBe(failed.length);
      // Every fetched user is either in Kafka or reported, never both, never neither.
      expect([...delivered, ...failed].sort()).toEqual([...fetchedIds].sort());
    }
    expect(summary.failureReasons[TOPICS[0]]).toMatch(/^not acknowledged within the delivery timeout of 30 s/);
    const text = formatSummary(summary);
    const users = new Set(Object.values(summary.failedKeys ?? {}).flat());
    expect(text).toContain(`gave up on ${users.size} records (${users.size * TOPICS.length} records); their ids:`);
    for (const id of users) expect(text).toContain(id);
    expect(text).toContain('Kafka stayed away past the delivery timeout');
  });
});
