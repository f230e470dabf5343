// Cluster mode acceptance (issue 7), on the cluster test/cluster-setup.ts started: 3 KRaft brokers
// (RF 3, min ISR 2), a Spark master with 2 workers, the Connect server as driver. One producer run
// goes through a Spark worker SIGKILL and a partition-leader broker SIGKILL; counts must be exact.
import { afterAll, describe, expect, it } from 'vitest';
import { Admin } from '@platformatic/kafka';
import { startStreaming, stopStreaming, collectionCounts } from '../../src/app/streaming.js';
import { kafkaBootstrap } from '../../src/config/index.js';
import { produceUsers, type ProduceSummary } from '../../src/produce/index.js';
import { parseInterval } from '../../src/cli/flags.js';
import { kafkaClusterView, readRecord, RuntimeError, sparkClusterView, status, up, type ServiceRecord } from '../../src/runtime/index.js';
import { startApiServer } from '../../src/source/index.js';
import { bindTopics } from '../../src/stream/index.js';
import { eventually } from '../support/services.js';
import { clusterTestConfig, clusterTestUsers } from './config.js';

const config = clusterTestConfig();
const bindings = bindTopics(config.topics);
const USERS = clusterTestUsers();

const record = (name: string): ServiceRecord => {
  const r = readRecord(config, name);
  if (!r) throw new Error(`no process record for ${name}`);
  return r;
};

afterAll(async () => {
  await stopStreaming(config, bindings).catch(() => undefined);
});

describe('cluster mode', () => {
  it('refuses to start a second cluster on the same ports, naming the port, before any JVM starts', async () => {
    const other = { ...config, stateDir: `${config.stateDir}-port-clash` };
    const t0 = Date.now();
    const error = await up(other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    // The first node checked names its port; every port of the running cluster is taken.
    const [, port] = /port (\d+) on 127\.0\.0\.1 \(.+\) is already in use/.exec((error as Error).message) ?? [];
    expect([config.mongo.port, config.kafka.port, config.kafka.controllerPort, config.cluster.masterPort]).toContain(Number(port));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(readRecord(other, 'kafka-1')).toBeUndefined();
  });

  it('runs the queries with executors on both workers and creates topics with RF 3 and min ISR 2', async () => {
    await startStreaming(config, bindings);
    const spark = await eventually(async () => {
      const view = await sparkClusterView(config);
      return view && view.aliveWorkers === 2 && view.workers.every((w) => w.executors.length > 0) ? view : undefined;
    }, { timeoutMs: 60_000, what: '2 ALIVE workers with executors' });
    const [app] = spark.apps;
    expect(spark.apps).toHaveLength(1);
    for (const w of spark.workers) expect(w.executors.some((e) => e.startsWith(`${app?.id}/`))).toBe(true);

    const kafka = await kafkaClusterView(config);
    expect(kafka.brokers).toEqual([1, 2, 3]);
    expect(kafka.topics.map((t) => t.topic).sort()).toEqual([...config.topics].sort());
    for (const t of kafka.topics) for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
    const admin = new Admin({ clientId: 'cluster-test', bootstrapBrokers: kafkaBootstrap(config).split(',') });
    try {
      const described = await admin.describeConfigs({ resources: config.topics.map((name) => ({ resourceType: 2, resourceName: name, configurationKeys: ['min.insync.replicas'] })) });
      for (const d of described) expect(d.configs.find((c) => c.name === 'min.insync.replicas')?.value).toBe('2');
    } finally {
      await admin.close();
    }
  });

  it(`delivers ${USERS} users exactly once through a worker SIGKILL and a leader-broker SIGKILL mid-produce`, async () => {
    const api = await startApiServer({ host: config.api.host, port: 0 });
    const killed: string[] = [];
    const kills: Promise<void>[] = [];
    const killAt = (fraction: number, pick: () => Promise<string>) => {
      let done = false;
      return (produced: number) => {
        if (done || produced < USERS * fraction) return;
        done = true;
        kills.push(pick().then((name) => {
          process.kill(record(name).pid, 'SIGKILL');
          killed.push(name);
        }));
      };
    };
    const killWorker = killAt(0.25, async () => 'spark-worker-1');
    const killLeader = killAt(0.5, async () => {
      const view = await kafkaClusterView(config);
      return `kafka-${view.topics[0]?.partitions[0]?.leader}`;
    });
    let summary: ProduceSummary;
    try {
      summary = await produceUsers({
        bootstrapServers: kafkaBootstrap(config),
        apiUrl: api.url,
        topics: bindings.map((b) => b.topic),
        topicSettings: { partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor, minInsyncReplicas: config.kafka.minInsyncReplicas },
        count: USERS,
        seed: 'cluster-acceptance',
        interval: parseInterval('0..20ms'),
        batchSize: 25,
        onProgress: (state) => {
          const produced = Object.values(state.topics)[0]?.produced ?? 0;
          killWorker(produced);
          killLeader(produced);
        },
      });
    } finally {
      await api.close();
    }
    await Promise.all(kills);
    expect(killed).toHaveLength(2);
    for (const b of bindings) {
      expect(summary.failed[b.topic] ?? 0).toBe(0);
      expect(summary.produced[b.topic]).toBe(USERS);
    }

    // The queries keep going on the surviving worker and brokers: every collection reaches exactly USERS.
    const expected = bindings.map((b) => ({ collection: b.collection, documents: USERS }));
    await eventually(async () => {
      const counts = await collectionCounts(config, bindings);
      return bindings.every((b) => counts.find((c) => c.collection === b.collection)?.documents === USERS) ? counts : undefined;
    }, { timeoutMs: Math.max(360_000, USERS * 100), intervalMs: 2_000, what: `${USERS} documents in every collection` });
    const counts = await collectionCounts(config, bindings);
    expect(counts.filter((c) => c.collection !== 'dead_letters')).toEqual(expected);

    const stopped = await status(config, 20_000);
    for (const name of killed) expect(stopped.find((s) => s.name === name)?.health).toBe('stopped');

    // `up` again restarts exactly the two missing nodes; the broker rejoins every ISR within 60 s.
    const again = await up(config);
    expect(again.started.map((r) => r.name).sort()).toEqual([...killed].sort());
    const t0 = Date.now();
    await eventually(async () => {
      const view = await kafkaClusterView(config);
      return view.brokers.length === 3 && view.topics.every((t) => t.partitions.every((p) => p.isr.length === 3)) ? view : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1_000, what: 'every partition ISR back at 3' });
    process.stdout.write(`[cluster] ISR back at 3 ${Date.now() - t0} ms after the broker was ready again\n`);
    // A generous probe deadline: the driver answers while it runs five queries on two busy cores.
    const rows = await status(config, 20_000);
    expect(rows.filter((r) => r.health !== 'healthy')).toEqual([]);
  });
});
