import { afterAll, describe, expect, it } from 'vitest';
import { createKafkaAdmin, createRecordReader, ensureTopics, kafkaConnection, partitionForKey, type StringRecord } from '../../../src/kafka/index.js';
import { createKafkaProducer } from '../../../src/produce/index.js';
import { jsonMessage, type OutgoingMessage } from '../../../src/produce/message.js';
import { runProducer } from '../../../src/produce/run.js';
import { testServices, uniqueName } from '../../support/services.js';
import { eventually } from '../../../harness/poll.js';

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
});

/** Reads every record of `topics` from the beginning until `expected` arrived, then checks the log holds no more. */
async function consumeAll(bootstrap: string, topics: string[], expected: number): Promise<StringRecord[]> {
  const consumer = createRecordReader(kafkaConnection(bootstrap), { clientId: uniqueName('verify'), groupId: uniqueName('verify') });
  // Forced: a failed assertion may leave the stream open.
  closers.push(() => new Promise<void>((resolve) => consumer.close(true, () => resolve())));
  const stream = await consumer.consume({ topics, mode: 'earliest', autocommit: false });
  const received: StringRecord[] = [];
  stream.on('data', (message: StringRecord) => received.push(message));
  await eventually(() => received.length >= expected, { what: `${expected} records on ${topics.join(', ')} (have ${received.length})` });
  // The log's end offsets prove there is nothing beyond what we read (a read could stop early, not late).
  const ends = await consumer.listOffsets({ topics });
  const inLog = [...ends.values()].flat().reduce((sum, offset) => sum + Number(offset), 0);
  await stream.close();
  expect(inLog).toBe(expected);
  return received;
}

describe('Kafka producer against a real broker', () => {
  it('creates a 3-partition topic and delivers keyed JSON records with headers, each exactly once', async () => {
    const bootstrap = testServices().kafkaBootstrap;
    const admin = createKafkaAdmin(kafkaConnection(bootstrap), 'streamline-test');
    closers.push(() => admin.close());
    const topic = uniqueName('produce_it');
    const settings = { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 };

    const first = await ensureTopics(admin, [topic], settings);
    expect(first.created).toEqual([topic]);
    const again = await ensureTopics(admin, [topic], settings);
    expect(again).toEqual({ created: [], existing: [topic], warnings: [] });
    const metadata = await admin.metadata({ topics: [topic] });
    expect(metadata.topics.get(topic)?.partitionsCount).toBe(3);

    const producer = createKafkaProducer({ bootstrapServers: bootstrap, clientId: uniqueName('producer') });
    closers.push(() => producer.close());
    const n = 600;
    const sent: OutgoingMessage[] = Array.from({ length: n }, (_, i) =>
      jsonMessage(topic, `user-${i}`, { schema_version: 1, data: { i, name: i % 2 ? 'Zoë Ørsted' : '张伟', postcode: String(68140 + i) } }),
    );
    const reports = await Promise.all(sent.map((m) => producer.send(m)));
    await producer.flush();
    expect(reports.filter((r) => !r.ok)).toEqual([]);
    expect(producer.stats()).toMatchObject({ accepted: n, acknowledged: n, failed: 0, pending: 0 });

    const received = await consumeAll(bootstrap, [topic], n);
    expect(received).toHaveLength(n);
    expect(new Set(received.map((m) => m.key)).size).toBe(n);
    const byKey = new Map(sent.map((m) => [m.key, m]));
    for (const message of received) {
      const original = byKey.get(message.key);
      expect(original).toBeDefined();
      expect(JSON.parse(message.value)).toEqual(JSON.parse(original?.value as string));
      expect(message.headers.get('schema-version')).toBe('1');
      expect(message.headers.get('content-type')).toBe('application/json');
      // Same partition a Java client would have chosen for this key.
      expect(message.partition).toBe(partitionForKey(message.key, 3));
    }
    // The offsets the producer reported are the ones the consumer saw.
    const reported = new Map(reports.map((r) => [r.key, r.ok ? `${r.partition}/${r.offset}` : 'failed']));
    for (const message of received) expect(`${message.partition}/${message.offset}`).toBe(reported.get(message.key));
  });

  it('runs the paced orchestrator into two topics: exact counts, same users in each, gaps inside the interval', async () => {
    const bootstrap = testServices().kafkaBootstrap;
    const admin = createKafkaAdmin(kafkaConnection(bootstrap), 'streamline-test');
    closers.push(() => admin.close());
    const topics = [uniqueName('run_profile'), uniqueName('run_contact')];
    await ensureTopics(admin, topics, { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 });
    const producer = createKafkaProducer({ bootstrapServers: bootstrap, clientId: uniqueName('producer') });
    closers.push(() => producer.close());

    const count = 250;
    const summary = await runProducer<{ id: string }>(
      { topics, count, batchSize: 40, seed: '7', pacing: 'together', interval: { kind: 'uniform', minMs: 5, maxMs: 15 } },
      {
        fetchBatch: async (n, { seed, page }) => ({ records: Array.from({ length: n }, (_, i) => ({ id: `${seed}-${page}-${i}` })), invalid: 0 }),
        recordKey: (user) => user.id,
        toMessages: (user) => topics.map((topic) => jsonMessage(topic, user.id, { id: user.id, topic })),
        send: (message) => producer.send(message),
        flush: () => producer.flush(),
      },
    );
    expect(summary.produced).toEqual(Object.fromEntries(topics.map((t) => [t, count])));
    expect(summary.failed).toEqual(Object.fromEntries(topics.map((t) => [t, 0])));
    expect(summary.fetchGapsMs).toHaveLength(Math.ceil(count / 40) - 1);
    for (const gap of summary.fetchGapsMs) expect(gap >= 5 && gap <= 15).toBe(true);

    const received = await consumeAll(bootstrap, topics, count * topics.length);
    for (const topic of topics) {
      const keys = received.filter((m) => m.topic === topic).map((m) => m.key);
      expect(keys).toHaveLength(count);
      expect(new Set(keys).size).toBe(count);
    }
  });

  it('on abort (Ctrl-C) waits for every record in flight: the log holds exactly what the summary counts', async () => {
    const bootstrap = testServices().kafkaBootstrap;
    const admin = createKafkaAdmin(kafkaConnection(bootstrap), 'streamline-test');
    closers.push(() => admin.close());
    const topic = uniqueName('abort');
    await ensureTopics(admin, [topic], { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 });
    // A long linger keeps records in flight when the abort comes.
    const producer = createKafkaProducer({ bootstrapServers: bootstrap, clientId: uniqueName('producer'), lingerMs: 200 });
    closers.push(() => producer.close());

    const controller = new AbortController();
    const summary = await runProducer<{ id: string }>(
      { topics: [topic], batchSize: 25, seed: 'abort', signal: controller.signal, pacing: 'together', interval: { kind: 'uniform', minMs: 10, maxMs: 20 } },
      {
        fetchBatch: async (n, { seed, page }) => {
          if (page === 6) controller.abort();
          return { records: Array.from({ length: n }, (_, i) => ({ id: `${seed}-${page}-${i}` })), invalid: 0 };
        },
        recordKey: (user) => user.id,
        toMessages: (user) => [jsonMessage(topic, user.id, { id: user.id })],
        send: (message) => producer.send(message),
        flush: () => producer.flush(),
      },
    );
    expect(summary.aborted).toBe(true);
    expect(summary.stopReason).toBe('aborted');
    expect(summary.failed[topic]).toBe(0);
    expect(producer.stats().pending).toBe(0);
    const produced = summary.produced[topic] as number;
    expect(produced).toBe(125); // five full pages; the sixth was fetched after the abort and not sent
    const received = await consumeAll(bootstrap, [topic], produced);
    expect(new Set(received.map((m) => m.key)).size).toBe(produced);
  });
});
