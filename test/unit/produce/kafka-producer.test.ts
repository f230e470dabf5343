import { readFileSync } from 'node:fs';
import { MultipleErrors, NetworkError, UserError } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../src/kafka/index.js';
import { KafkaProducer } from '../../../src/produce/index.js';
import { jsonMessage } from '../../../src/produce/message.js';
import { DeliveryTimeoutError } from '../../../src/produce/outage.js';
import { eventually } from '../../../harness/poll.js';
import { VirtualClock } from '../../support/virtual-clock.js';
import { brokerLog, fakeClient, PARTITIONS, partitionOf } from '../kafka/client-fakes.js';

/** Partitions computed by the real Java client (kafka-clients); see scripts/java-partitions/JavaPartitions.java. */
const JAVA = JSON.parse(readFileSync(new URL('../../fixtures/java-partitions.json', import.meta.url), 'utf8')) as {
  kafkaClients: string;
  partitionCounts: number[];
  cases: { key: string; partitions: number[] }[];
};
const javaPartition = (key: string, partitions: number): number => {
  const found = JAVA.cases.find((c) => c.key === key)?.partitions[JAVA.partitionCounts.indexOf(partitions)];
  if (found === undefined) throw new Error(`no Java value for ${key} with ${partitions} partitions`);
  return found;
};

const quiet = { lingerMs: 0 };
const record = (key: string, topic = 'users.profile') => jsonMessage(topic, key, { key });

/** The client's failure after it gave up, carrying the partitions that did get written. */
function sendFailure(produced?: ReturnType<ReturnType<typeof brokerLog>>): Error {
  const error = new MultipleErrors('Producing messages failed.', [new NetworkError('Request timed out')]);
  return Object.assign(error, { produced });
}

describe('KafkaProducer', () => {
  const uuids = JAVA.cases.slice(-8).map((c) => c.key);

  it('batches records sent together into one request and reports the partitions Java would choose', async () => {
    const log = brokerLog();
    const fake = fakeClient(async (messages) => log(messages));
    const producer = new KafkaProducer(fake.client, quiet);
    const reports = await Promise.all(uuids.map((k) => producer.send(record(k))));
    expect(fake.calls).toHaveLength(1);
    expect(reports.map((r) => (r.ok ? r.partition : 'failed'))).toEqual(uuids.map((k) => javaPartition(k, PARTITIONS)));
    expect(fake.calls[0]?.[0]?.headers).toEqual({ 'schema-version': '1', 'content-type': 'application/json' });
    // The partition travels with the record: the client does not hash the key again.
    expect(fake.calls[0]?.map((m) => m.partition)).toEqual(uuids.map((k) => javaPartition(k, PARTITIONS)));
    // Offsets are base + position within the partition.
    const positions = reports.map((r) => (r.ok ? `${r.partition}/${r.offset}` : 'failed'));
    expect(new Set(positions).size).toBe(uuids.length);
    expect(producer.stats()).toMatchObject({ accepted: 8, acknowledged: 8, failed: 0, pending: 0 });
  });

  it('keeps one request in flight and sends what queued behind it as the next batch', async () => {
    const log = brokerLog();
    let release: () => void = () => {};
    const fake = fakeClient(async (messages, call) => {
      if (call === 1) await new Promise<void>((resolve) => (release = resolve));
      return log(messages);
    });
    const producer = new KafkaProducer(fake.client, quiet);
    const first = producer.send(record('first'));
    await new Promise((r) => setImmediate(r));
    const later = ['x', 'y', 'z'].map((k) => producer.send(record(k)));
    await new Promise((r) => setImmediate(r));
    expect(fake.calls).toHaveLength(1);
    release();
    await Promise.all([first, ...later]);
    expect(fake.calls.map((c) => c.map((m) => m.key))).toEqual([['first'], ['x', 'y', 'z']]);
  });

  it('with several clients (lanes) requests overlap, each partition is sent to by one lane, in the order sent', async () => {
    const log = brokerLog();
    const releases: Array<() => void> = [];
    const lane = () =>
      fakeClient(async (messages) => {
        await new Promise<void>((resolve) => releases.push(resolve));
        return log(messages);
      });
    const lanes = [lane(), lane()];
    const producer = new KafkaProducer(lanes.map((l) => l.client), quiet);
    const keys = JAVA.cases.map((c) => c.key).slice(0, 30);
    const sends = keys.map((k) => producer.send(record(k)));
    await eventually(() => releases.length === 2, { timeoutMs: 5_000, intervalMs: 1, what: 'a request in flight on both lanes' });
    // Both lanes have a request in flight at once.
    expect(lanes.map((l) => l.calls.length)).toEqual([1, 1]);
    const later = keys.map((k) => producer.send(record(k)));
    releases.splice(0).forEach((release) => release());
    await eventually(() => releases.length === 2, { timeoutMs: 5_000, intervalMs: 1, what: 'a request in flight on both lanes' });
    releases.splice(0).forEach((release) => release());
    const reports = await Promise.all([...sends, ...later]);
    const partitionOfKey = (key: string) => javaPartition(key, PARTITIONS);
    for (let p = 0; p < PARTITIONS; p++) {
      const sentTo = lanes.filter((l) => l.calls.flat().some((m) => partitionOfKey(m.key as string) === p));
      expect(sentTo, `partition ${p}`).toHaveLength(1);
      // Offsets in the partition follow the order of the sends.
      const offsets = reports.filter((r) => r.ok && r.partition === p).map((r) => (r.ok ? r.offset : -1n));
      expect(offsets).toEqual([...offsets].sort((x, y) => (x < y ? -1 : 1)));
    }
    expect(producer.stats()).toMatchObject({ accepted: 60, acknowledged: 60, failed: 0, pending: 0 });
  });

  it('splits a large backlog into batches of maxBatchRecords', async () => {
    const log = brokerLog();
    const fake = fakeClient(async (messages) => log(messages));
    const producer = new KafkaProducer(fake.client, { ...quiet, maxBatchRecords: 2 });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => producer.send(record(k))));
    expect(fake.calls.map((c) => c.length)).toEqual([2, 2, 1]);
  });

  it('re-sends only what the client gave up on, with the same producer id, and reports every record delivered', async () => {
    const log = brokerLog();
    const keys = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    const writtenPartition = partitionForKey(keys[0] as string, PARTITIONS);
    const sent: number[] = [];
    const fake = fakeClient(async (messages, call) => {
      sent.push(messages.length);
      if (call === 1) throw sendFailure(log(messages, (key) => key === `users.profile:${writtenPartition}`));
      return log(messages);
    });
    const producer = new KafkaProducer(fake.client, { ...quiet, retryBackoffMs: 0 });
    const reports = await Promise.all(keys.map((k) => producer.send(record(k))));
    expect(reports.every((r) => r.ok)).toBe(true);
    const inWritten = keys.filter((k) => partitionOf({ topic: 'users.profile', key: k }) === writtenPartition).length;
    expect(sent).toEqual([keys.length, keys.length - inWritten]);
    expect(fake.renewals).toBe(0);
    expect(producer.stats()).toMatchObject({ accepted: 12, acknowledged: 12, failed: 0, pending: 0 });
  });

  it('past the delivery timeout: acknowledges the partitions that were written, fails the rest, renews the producer id before the next batch', async () => {
    const log = brokerLog();
    const clock = new VirtualClock();
    const keys = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    const writtenPartition = partitionForKey(keys[0] as string, PARTITIONS);
    let down = true;
    const fake = fakeClient(async (messages, call) => {
      if (call === 1) throw sendFailure(log(messages, (key) => key === `users.profile:${writtenPartition}`));
      if (down) throw sendFailure();
      return log(messages);
    });
    const producer = new KafkaProducer(fake.client, { ...quiet, clock, deliveryTimeoutMs: 10_000 });
    const reports = await Promise.all([...keys.map((k) => producer.send(record(k))), producer.send(record('b', 'users.contact'))]);
    expect(clock.now()).toBe(10_000); // given up exactly at the timeout, not before
    for (const [i, report] of reports.entries()) {
      const inWritten = i < keys.length && partitionOf({ topic: 'users.profile', key: keys[i] as string }) === writtenPartition;
      expect(report.ok, `record ${i}`).toBe(inWritten);
    }
    const failure = reports.find((r) => !r.ok);
    expect(failure && !failure.ok && failure.error).toBeInstanceOf(DeliveryTimeoutError);
    const stats = producer.stats();
    expect(stats.failures['users.contact']?.lastError).toMatch(/^not acknowledged within the delivery timeout of 10 s .*last error: Producing messages failed.: Request timed out/);
    expect(stats).toMatchObject({ accepted: 13, pending: 0 });
    expect(stats.acknowledged + stats.failed).toBe(13);
    expect(producer.health()).toMatchObject({ expired: stats.failed, outage: { forMs: 10_000, unreachable: true } });
    // The id is renewed before the next batch, not right away (the broker may still be down).
    expect(fake.renewals).toBe(0);
    down = false;
    expect((await producer.send(record('c'))).ok).toBe(true);
    expect(fake.renewals).toBe(1);
    expect(producer.health().outage).toBeUndefined();
  });

  it('rides out a 60 s outage: re-sends the same batch until Kafka is back, then what queued behind it, in order; nothing lost or renewed', async () => {
    const log = brokerLog();
    const clock = new VirtualClock();
    const backAt = 60_000;
    const outages: number[] = [];
    const fake = fakeClient(async (messages) => {
      if (clock.now() < backAt) throw new MultipleErrors('Producing messages failed.', [new NetworkError('Connection closed')]);
      return log(messages);
    });
    const producer = new KafkaProducer(fake.client, { ...quiet, clock });
    const first = ['a', 'b', 'c'].map((k) => producer.send(record(k)));
    // More records arrive during the outage; the run would have paused fetching by now.
    await clock.sleep(20_000);
    outages.push(producer.health().outage?.forMs ?? -1);
    const later = ['d', 'e'].map((k) => producer.send(record(k)));
    const reports = await Promise.all([...first, ...later]);
    expect(reports.every((r) => r.ok)).toBe(true);
    expect(outages).toEqual([20_000]);
    // Every attempt before the return re-sent exactly the first batch; the later records followed once it was in.
    const batches = fake.calls.map((c) => c.map((m) => m.key).join(''));
    expect(batches.slice(0, -2).every((b) => b === 'abc')).toBe(true);
    expect(batches.slice(-2)).toEqual(['abc', 'de']);
    // Back-off capped at 1 s: Kafka's return is noticed within a second.
    expect(batches.length).toBeGreaterThan(55);
    expect(clock.now() - backAt).toBeLessThanOrEqual(1000);
    expect(fake.renewals).toBe(0);
    expect(producer.health()).toEqual({ expired: 0 });
    expect(producer.stats()).toMatchObject({ accepted: 5, acknowledged: 5, failed: 0 });
  });

  it('does not wait out the timeout for an error a re-send cannot help (a refusal for good)', async () => {
    const clock = new VirtualClock();
    const fake = fakeClient(async () => {
      throw new UserError('Failed to serialize a message.');
    });
    const producer = new KafkaProducer(fake.client, { ...quiet, clock });
    const report = await producer.send(record('a'));
    expect(report).toMatchObject({ ok: false, key: 'a' });
    expect(fake.calls).toHaveLength(1);
    expect(clock.now()).toBe(0);
    expect(producer.health()).toEqual({ expired: 0 });
  });

  it('fails records for a topic that does not exist instead of losing them', async () => {
    const fake = fakeClient(async () => ({ offsets: [] }));
    const producer = new KafkaProducer(fake.client, quiet);
    const report = await producer.send(record('a', 'missing.topic'));
    expect(report).toMatchObject({ ok: false, topic: 'missing.topic', key: 'a' });
    expect(producer.stats().failures['missing.topic']?.lastError).toBe('Unknown topic missing.topic.');
  });

  it('flush waits for everything in flight; close flushes, closes, and later sends are reported failed', async () => {
    const log = brokerLog();
    let release: () => void = () => {};
    const fake = fakeClient(async (messages) => {
      await new Promise<void>((resolve) => (release = resolve));
      return log(messages);
    });
    const producer = new KafkaProducer(fake.client, { lingerMs: 50 });
    const sent = [producer.send(record('a')), producer.send(record('b'))];
    let flushed = false;
    const flushing = producer.flush().then(() => (flushed = true));
    await new Promise((r) => setImmediate(r));
    expect(fake.calls).toHaveLength(1); // flush did not wait for the linger
    expect(flushed).toBe(false);
    release();
    await flushing;
    expect(producer.stats().pending).toBe(0);
    await Promise.all(sent);
    await producer.close();
    expect(fake.closed).toBe(true);
    const late = await producer.send(record('late'));
    expect(late).toMatchObject({ ok: false, key: 'late' });
    expect(producer.stats()).toMatchObject({ accepted: 3, failed: 1, pending: 0 });
  });
});
