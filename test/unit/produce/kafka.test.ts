import type { ClusterMetadata, CreateTopicsOptions, MessageToProduce, ProduceResult } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { KafkaProducer, bootstrapList, ensureTopics, partitionForKey, type ProduceClient, type TopicAdmin } from '../../../src/produce/kafka.js';
import { jsonMessage } from '../../../src/produce/message.js';

type ClientMessage = MessageToProduce<string, string, string, string>;

function metadataFor(partitions: Record<string, number>, leader = 1): ClusterMetadata {
  const topics = new Map(
    Object.entries(partitions).map(([topic, count]) => [
      topic,
      {
        id: topic,
        partitionsCount: count,
        lastUpdate: 0,
        partitions: Array.from({ length: count }, () => ({ leader, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [] })),
      },
    ]),
  );
  return { id: 'cluster', brokers: new Map(), controllerId: 1, topics, lastUpdate: 0 };
}

/** Offsets as the broker would return them: per partition, base offset = records already written there. */
function brokerLog() {
  const written = new Map<string, number>();
  return (messages: ClientMessage[], partitions?: (key: string) => boolean): ProduceResult => {
    const offsets: NonNullable<ProduceResult['offsets']> = [];
    for (const m of messages) {
      const key = `${m.topic}:${m.partition}`;
      if (partitions && !partitions(key)) continue;
      if (!offsets.some((o) => `${o.topic}:${o.partition}` === key)) offsets.push({ topic: m.topic, partition: m.partition as number, offset: BigInt(written.get(key) ?? 0) });
    }
    for (const m of messages) {
      const key = `${m.topic}:${m.partition}`;
      if (!partitions || partitions(key)) written.set(key, (written.get(key) ?? 0) + 1);
    }
    return { offsets };
  };
}

type SendBehaviour = (messages: ClientMessage[], call: number) => Promise<ProduceResult>;

function fakeClient(behaviour: SendBehaviour) {
  const calls: ClientMessage[][] = [];
  let renewals = 0;
  let closed = false;
  const client: ProduceClient = {
    send: async ({ messages }) => {
      calls.push(messages.map((m) => ({ ...m })));
      return behaviour(messages, calls.length);
    },
    metadata: async ({ topics }) => {
      const missing = topics.find((t) => t.startsWith('missing'));
      if (missing) throw new Error(`Unknown topic ${missing}.`);
      return metadataFor(Object.fromEntries(topics.map((t) => [t, 3])));
    },
    initIdempotentProducer: async () => {
      renewals++;
      return {};
    },
    close: async () => {
      closed = true;
    },
  };
  return {
    client,
    calls,
    get renewals() {
      return renewals;
    },
    get closed() {
      return closed;
    },
  };
}

const noSleep = async (): Promise<void> => {};
const quiet = { warn: () => {}, lingerMs: 0, retryBackoffMs: 1 };
const record = (key: string, topic = 'users.profile') => jsonMessage(topic, key, { key }, 1);

/** An error shaped like the client's: aggregate, with findBy, and the partitions that did get written. */
function kafkaError(message: string, produced?: ProduceResult, code = 'PLT_KFK_NETWORK', canRetry = true): Error {
  const error = new AggregateError([new Error('Request timed out')], message) as AggregateError & Record<string, unknown>;
  error.produced = produced;
  const inner = Object.assign(new Error(message), { code, canRetry });
  error.findBy = (property: string, value: unknown) => (inner[property as 'code' | 'canRetry'] === value ? inner : null);
  return error;
}

describe('KafkaProducer', () => {
  it('batches records sent together into one request, keyed to Java-compatible partitions', async () => {
    const log = brokerLog();
    const fake = fakeClient(async (messages) => log(messages));
    const producer = new KafkaProducer(fake.client, quiet, noSleep);
    const reports = await Promise.all(['a', 'b', 'c', 'd'].map((k) => producer.send(record(k))));
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.map((m) => m.partition)).toEqual(['a', 'b', 'c', 'd'].map((k) => partitionForKey(k, 3)));
    expect(reports.every((r) => r.ok)).toBe(true);
    expect(fake.calls[0]?.[0]?.headers).toEqual({ 'schema-version': '1', 'content-type': 'application/json' });
    // Offsets are base + position within the partition.
    const offsets = reports.map((r) => (r.ok ? `${r.partition}/${r.offset}` : 'failed'));
    expect(new Set(offsets).size).toBe(4);
    expect(producer.stats()).toMatchObject({ accepted: 4, acknowledged: 4, failed: 0, pending: 0 });
  });

  it('keeps one request in flight and sends what queued behind it as the next batch', async () => {
    const log = brokerLog();
    let release: () => void = () => {};
    const fake = fakeClient(async (messages, call) => {
      if (call === 1) await new Promise<void>((resolve) => (release = resolve));
      return log(messages);
    });
    const producer = new KafkaProducer(fake.client, quiet, noSleep);
    const first = producer.send(record('first'));
    await new Promise((r) => setImmediate(r));
    const later = ['x', 'y', 'z'].map((k) => producer.send(record(k)));
    await new Promise((r) => setImmediate(r));
    expect(fake.calls).toHaveLength(1);
    release();
    await Promise.all([first, ...later]);
    expect(fake.calls.map((c) => c.map((m) => m.key))).toEqual([['first'], ['x', 'y', 'z']]);
  });

  it('splits a large backlog into batches of maxBatchRecords', async () => {
    const log = brokerLog();
    const fake = fakeClient(async (messages) => log(messages));
    const producer = new KafkaProducer(fake.client, { ...quiet, maxBatchRecords: 2 }, noSleep);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => producer.send(record(k))));
    expect(fake.calls.map((c) => c.length)).toEqual([2, 2, 1]);
  });

  it('re-sends only the partitions that were not written, unchanged, and acknowledges all', async () => {
    const log = brokerLog();
    const keys = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    const firstPartition = partitionForKey(keys[0] as string, 3);
    const fake = fakeClient(async (messages, call) => {
      if (call === 1) {
        const onlyFirst = (key: string) => key === `users.profile:${firstPartition}`;
        throw kafkaError('Producing messages failed.', log(messages, onlyFirst));
      }
      return log(messages);
    });
    const producer = new KafkaProducer(fake.client, quiet, noSleep);
    const reports = await Promise.all(keys.map((k) => producer.send(record(k))));
    expect(reports.every((r) => r.ok)).toBe(true);
    expect(fake.calls).toHaveLength(2);
    const resent = fake.calls[1] as ClientMessage[];
    expect(resent.some((m) => m.partition === firstPartition)).toBe(false);
    // Same partition and timestamp as the first attempt: the broker can recognise a duplicate batch.
    for (const m of resent) {
      const original = fake.calls[0]?.find((o) => o.key === m.key);
      expect({ partition: m.partition, timestamp: m.timestamp }).toEqual({ partition: original?.partition, timestamp: original?.timestamp });
    }
    expect(fake.renewals).toBe(0);
    // Offsets are unique per partition across both attempts.
    const positions = reports.map((r) => (r.ok ? `${r.partition}/${r.offset}` : ''));
    expect(new Set(positions).size).toBe(keys.length);
  });

  it('reports records that finally fail, per topic, renews the producer id, and carries on', async () => {
    const log = brokerLog();
    const fake = fakeClient(async (messages, call) => {
      if (call <= 3) throw kafkaError('Producing messages failed.');
      return log(messages);
    });
    const producer = new KafkaProducer(fake.client, { ...quiet, deliveryAttempts: 3 }, noSleep);
    const reports = await Promise.all([producer.send(record('a')), producer.send(record('b', 'users.contact'))]);
    expect(fake.calls).toHaveLength(3);
    expect(reports.map((r) => r.ok)).toEqual([false, false]);
    const failure = reports[0];
    expect(failure && !failure.ok && failure.error.message).toBe('Producing messages failed.');
    expect(producer.stats()).toMatchObject({
      accepted: 2,
      acknowledged: 0,
      failed: 2,
      pending: 0,
      failures: {
        'users.profile': { count: 1, lastError: 'Producing messages failed.: Request timed out' },
        'users.contact': { count: 1, lastError: 'Producing messages failed.: Request timed out' },
      },
    });
    // The id is renewed before the next batch, not right away (the broker may still be down).
    expect(fake.renewals).toBe(0);
    expect((await producer.send(record('c'))).ok).toBe(true);
    expect(fake.renewals).toBe(1);
    expect(producer.stats()).toMatchObject({ accepted: 3, acknowledged: 1, failed: 2 });
  });

  it('does not retry errors that re-sending cannot fix', async () => {
    const fake = fakeClient(async () => {
      throw kafkaError('MESSAGE_TOO_LARGE', undefined, 'PLT_KFK_PROTOCOL', false);
    });
    const producer = new KafkaProducer(fake.client, quiet, noSleep);
    const report = await producer.send(record('a'));
    expect(report.ok).toBe(false);
    expect(fake.calls).toHaveLength(1);
  });

  it('fails records for a topic without metadata instead of losing them', async () => {
    const fake = fakeClient(async () => ({ offsets: [] }));
    const producer = new KafkaProducer(fake.client, { ...quiet, deliveryAttempts: 2 }, noSleep);
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
    const producer = new KafkaProducer(fake.client, { ...quiet, lingerMs: 50 }, noSleep);
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
    expect(producer.stats().failed).toBe(1);
  });
});

describe('ensureTopics', () => {
  function fakeAdmin(existing: Record<string, number>, options: { raceOn?: string; leaderlessPolls?: number } = {}) {
    const created: CreateTopicsOptions[] = [];
    const topics = { ...existing };
    let polls = 0;
    const admin: TopicAdmin = {
      listTopics: async () => Object.keys(topics),
      createTopics: async (request) => {
        created.push(request);
        const name = request.topics[0] as string;
        if (name === options.raceOn) {
          topics[name] = 3;
          const error = new Error('Received response with error') as Error & { findBy: (p: string, v: unknown) => unknown };
          error.findBy = (p, v) => (p === 'apiId' && v === 'TOPIC_ALREADY_EXISTS' ? error : null);
          throw error;
        }
        topics[name] = request.partitions as number;
        return [];
      },
      metadata: async ({ topics: wanted }) => {
        polls++;
        const leader = polls <= (options.leaderlessPolls ?? 0) ? -1 : 1;
        return metadataFor(Object.fromEntries(wanted.map((t) => [t, topics[t] ?? 0])), leader);
      },
    };
    return {
      admin,
      created,
      get polls() {
        return polls;
      },
    };
  }
  const settings = { partitions: 3, replicationFactor: 1, minInsyncReplicas: 1 };

  it('creates missing topics with min.insync.replicas and keeps existing ones', async () => {
    const fake = fakeAdmin({ 'users.profile': 3 });
    const report = await ensureTopics(fake.admin, ['users.profile', 'users.contact'], settings, { warn: () => {}, sleep: noSleep });
    expect(report).toEqual({ created: ['users.contact'], existing: ['users.profile'], warnings: [] });
    expect(fake.created).toEqual([{ topics: ['users.contact'], partitions: 3, replicas: 1, configs: [{ name: 'min.insync.replicas', value: '1' }] }]);
  });

  it('tolerates a topic created concurrently by someone else', async () => {
    const fake = fakeAdmin({}, { raceOn: 'users.profile' });
    const report = await ensureTopics(fake.admin, ['users.profile'], settings, { warn: () => {}, sleep: noSleep });
    expect(report).toMatchObject({ created: [], existing: ['users.profile'] });
  });

  it('warns when an existing topic has other partitions', async () => {
    const warnings: string[] = [];
    const fake = fakeAdmin({ 'users.profile': 1 });
    const report = await ensureTopics(fake.admin, ['users.profile'], settings, { warn: (m) => warnings.push(m), sleep: noSleep });
    expect(warnings).toEqual(['topic users.profile exists with 1 partitions, configured 3; using it as it is']);
    expect(report.warnings).toEqual(warnings);
  });

  it('waits until every partition has a leader', async () => {
    const fake = fakeAdmin({}, { leaderlessPolls: 2 });
    await ensureTopics(fake.admin, ['users.profile'], settings, { warn: () => {}, sleep: noSleep });
    expect(fake.polls).toBe(3);
  });

  it('refuses settings where acks=all could never succeed', async () => {
    const fake = fakeAdmin({});
    await expect(ensureTopics(fake.admin, ['t'], { partitions: 3, replicationFactor: 1, minInsyncReplicas: 2 })).rejects.toThrow(
      /minInsyncReplicas \(2\) must not exceed replicationFactor \(1\)/,
    );
    await expect(ensureTopics(fake.admin, ['t'], { partitions: 0, replicationFactor: 1, minInsyncReplicas: 1 })).rejects.toThrow(/partitions/);
  });
});

describe('bootstrapList', () => {
  it('splits and trims, and rejects nothing', () => {
    expect(bootstrapList('a:1, b:2')).toEqual(['a:1', 'b:2']);
    expect(bootstrapList(['a:1'])).toEqual(['a:1']);
    expect(() => bootstrapList(' , ')).toThrow(/bootstrap servers/);
  });
});
