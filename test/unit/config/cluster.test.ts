import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { kafkaBootstrap, kafkaNodes, loadConfig, workerNodes } from '../../../src/config/index.js';
import { budgetProblem, memoryBudget } from '../../../src/runtime/index.js';

const load = (overrides: object, env: NodeJS.ProcessEnv = {}) => loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'streamline-cluster-')), env, overrides: overrides as never });

describe('cluster mode configuration', () => {
  it('is off by default: one broker, RF 1, local Spark', () => {
    const c = load({});
    expect(c.cluster.enabled).toBe(false);
    expect(c.kafka.replicationFactor).toBe(1);
    expect(c.spark.master).toBe('local[*]');
    expect(kafkaBootstrap(c)).toBe('127.0.0.1:9092');
  });

  it('derives RF 3, min ISR 2, the standalone master and every node port from the bases', () => {
    const c = load({}, { STREAMLINE_CLUSTER_ENABLED: 'true' });
    expect(c.kafka.replicationFactor).toBe(3);
    expect(c.kafka.minInsyncReplicas).toBe(2);
    expect(c.spark.master).toBe('spark://127.0.0.1:7077');
    expect(kafkaNodes(c).map((n) => [n.name, n.port, n.controllerPort])).toEqual([
      ['kafka-1', 9092, 9093],
      ['kafka-2', 9094, 9095],
      ['kafka-3', 9096, 9097],
    ]);
    expect(workerNodes(c).map((w) => [w.name, w.port, w.uiPort])).toEqual([
      ['spark-worker-1', 7078, 8081],
      ['spark-worker-2', 7080, 8083],
    ]);
    expect(kafkaBootstrap(c)).toBe('127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096');
  });

  it('keeps explicitly set topic settings and an external master', () => {
    const c = load({ cluster: { enabled: true, kafkaBrokers: 5 }, kafka: { minInsyncReplicas: 1 }, spark: { master: 'spark://spark.example:7077' } });
    expect(c.kafka.replicationFactor).toBe(3);
    expect(c.kafka.minInsyncReplicas).toBe(1);
    expect(c.spark.master).toBe('spark://spark.example:7077');
  });

  it('uses RF 1..2 and min ISR 1 for fewer than 3 brokers', () => {
    const two = load({ cluster: { enabled: true, kafkaBrokers: 2 } });
    expect([two.kafka.replicationFactor, two.kafka.minInsyncReplicas]).toEqual([2, 1]);
  });

  it('refuses 2 brokers with min ISR 2, saying why it cannot survive a kill', () => {
    expect(() => load({ cluster: { enabled: true, kafkaBrokers: 2 }, kafka: { minInsyncReplicas: 2 } })).toThrowError(
      /cluster\.kafkaBrokers.*2 brokers with min\.insync\.replicas 2 cannot survive a kill: with one broker down only 1 replica is in sync/,
    );
  });

  it('refuses min ISR equal to RF and RF above the broker count', () => {
    expect(() => load({ cluster: { enabled: true }, kafka: { minInsyncReplicas: 3 } })).toThrowError(/kafka\.minInsyncReplicas.*cannot survive a broker kill/);
    expect(() => load({ cluster: { enabled: true, kafkaBrokers: 3 }, kafka: { replicationFactor: 4, minInsyncReplicas: 2 } })).toThrowError(/replication factor 4 needs at least 4 brokers/);
  });

  it('names both keys of colliding ports', () => {
    const error = (() => {
      try {
        load({ cluster: { enabled: true, portStep: 1 } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/kafka\.port.*port 9093 \(kafka-2 broker\) collides with kafka-1 controller \(kafka\.controllerPort\)/);
    expect(() => load({ cluster: { enabled: true, masterUiPort: 27017 } })).toThrowError(/port 27017 \(Spark master UI\) collides with FerretDB \(mongo\.port\)/);
  });
});

describe('memory budget', () => {
  it('counts every broker, daemon, executor and the driver', () => {
    const c = load({ cluster: { enabled: true } });
    const lines = memoryBudget(c);
    expect(lines.map((l) => l.service)).toEqual(['ferretdb', 'kafka-1', 'kafka-2', 'kafka-3', 'spark-master', 'spark-worker-1', 'spark-worker-2', 'spark']);
    expect(budgetProblem(lines, 64_000, c)).toBeUndefined();
  });

  it('says how much is needed and how many workers fit', () => {
    const c = load({ cluster: { enabled: true, sparkWorkers: 8, workerMemory: '2g' } });
    const problem = budgetProblem(memoryBudget(c), 8_000, c);
    expect(problem).toMatch(/need about \d+ MB .* only 8000 MB is available; at most \d worker\(s\) of 2g fit/);
  });
});
