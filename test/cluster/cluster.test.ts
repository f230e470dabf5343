// Cluster mode acceptance (issue 7), on the cluster test/cluster-setup.ts started: 3 KRaft brokers
// (RF 3, min ISR 2), a Spark master with 2 workers, the Connect server as driver. Faults (a leader
// broker or a worker SIGKILLed mid-run, with exact per-record checks) are the fault suite's scenarios:
// test/cluster/faults-quick.test.ts runs the quick ones on this same cluster, `npm run faults` all.
import { afterAll, describe, expect, it } from 'vitest';
import { startStreaming, stopStreaming } from '../../src/app/streaming.js';
import { PortInUseError } from '../../src/core/errors.js';
import { configuredKafkaAdmin } from '../../src/kafka/index.js';
import { kafkaClusterView, readRecord, sparkClusterView, up } from '../../src/runtime/index.js';
import { eventually } from '../../harness/poll.js';
import { clusterTestConfig } from './config.js';
import { builtinBindings } from '../../harness/builtin-pipeline.js';

const config = clusterTestConfig();
const bindings = builtinBindings(config.topics);
afterAll(async () => {
  await stopStreaming(config, bindings).catch(() => undefined);
});

describe('cluster mode', () => {
  it('refuses to start a second cluster on the same ports, naming the port, before any JVM starts', async () => {
    const other = { ...config, stateDir: `${config.stateDir}-port-clash` };
    const t0 = Date.now();
    const error = await up(other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
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

    const kafka = await kafkaClusterView(config, bindings.map((b) => b.topic));
    expect(kafka.brokers).toEqual([1, 2, 3]);
    expect(kafka.topics.map((t) => t.topic).sort()).toEqual(bindings.map((b) => b.topic).sort());
    for (const t of kafka.topics) for (const p of t.partitions) expect(p.replicas).toHaveLength(3);
    const admin = configuredKafkaAdmin(config, 'cluster-test');
    try {
      const described = await admin.describeConfigs({ resources: bindings.map((b) => b.topic).map((name) => ({ resourceType: 2, resourceName: name, configurationKeys: ['min.insync.replicas'] })) });
      for (const d of described) expect(d.configs.find((c) => c.name === 'min.insync.replicas')?.value).toBe('2');
    } finally {
      await admin.close();
    }
  });
});
