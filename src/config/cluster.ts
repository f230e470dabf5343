import type { StreamlineConfig } from './schema.js';

/**
 * Cluster-mode topology as pure functions of the config: node names, ports and the settings cluster
 * mode implies. The Compose deployment mirrors these names (kafka-1.., spark-master, spark-worker-1..).
 */

export interface KafkaNode {
  id: number;
  name: string;
  host: string;
  port: number;
  controllerPort: number;
}

export interface WorkerNode {
  index: number;
  name: string;
  host: string;
  port: number;
  uiPort: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const nth = (base: number, i: number, step: number) => base + (i - 1) * step;

export function kafkaNodes(c: StreamlineConfig): KafkaNode[] {
  const { host, port, controllerPort } = c.kafka;
  return range(c.cluster.kafkaBrokers).map((id) => ({
    id,
    name: `kafka-${id}`,
    host,
    port: nth(port, id, c.cluster.portStep),
    controllerPort: nth(controllerPort, id, c.cluster.portStep),
  }));
}

export function workerNodes(c: StreamlineConfig): WorkerNode[] {
  return range(c.cluster.sparkWorkers).map((index) => ({
    index,
    name: `spark-worker-${index}`,
    host: c.spark.host,
    port: nth(c.cluster.workerPort, index, c.cluster.portStep),
    uiPort: nth(c.cluster.workerUiPort, index, c.cluster.portStep),
  }));
}

const clusterMasterUrl = (c: StreamlineConfig): string => `spark://${c.spark.host}:${c.cluster.masterPort}`;
export const masterUiUrl = (c: StreamlineConfig): string => `http://${c.spark.host}:${c.cluster.masterUiPort}`;

/** True when this config runs our own standalone master and workers (not an external master). */
export const runsLocalSparkCluster = (c: StreamlineConfig): boolean => c.cluster.enabled && c.spark.master === clusterMasterUrl(c);

/** Topic settings cluster mode implies: RF min(3, N); min ISR 2 once a broker can die without blocking writes. */
function clusterTopicSettings(brokers: number): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = Math.min(3, brokers);
  return { replicationFactor, minInsyncReplicas: replicationFactor >= 3 ? 2 : 1 };
}

/** Which derived keys were set explicitly (in a file, env or flag): those are left alone. */
export interface ExplicitKeys {
  replicationFactor: boolean;
  minInsyncReplicas: boolean;
  sparkMaster: boolean;
}

/** The effective config in cluster mode: topic settings and the Spark master follow the topology. */
export function applyClusterMode(c: StreamlineConfig, explicit: ExplicitKeys): StreamlineConfig {
  if (!c.cluster.enabled) return c;
  const topic = clusterTopicSettings(c.cluster.kafkaBrokers);
  return {
    ...c,
    kafka: {
      ...c.kafka,
      replicationFactor: explicit.replicationFactor ? c.kafka.replicationFactor : topic.replicationFactor,
      minInsyncReplicas: explicit.minInsyncReplicas ? c.kafka.minInsyncReplicas : topic.minInsyncReplicas,
    },
    spark: { ...c.spark, master: explicit.sparkMaster ? c.spark.master : clusterMasterUrl(c) },
  };
}

export interface ConfigIssue {
  key: string;
  message: string;
}

interface PortUse {
  port: number;
  key: string;
  what: string;
}

/** Every port the configured local services and the demo's API server will bind. */
function portUses(c: StreamlineConfig): PortUse[] {
  const uses: PortUse[] = [{ port: c.api.port, key: 'api.port', what: 'local Random User API' }];
  if (!c.mongo.uri) uses.push({ port: c.mongo.port, key: 'mongo.port', what: 'FerretDB' });
  if (!c.spark.remote) {
    uses.push({ port: c.spark.port, key: 'spark.port', what: 'Spark Connect' }, { port: c.spark.uiPort, key: 'spark.uiPort', what: 'Spark driver UI' });
  }
  if (!c.kafka.bootstrapServers) {
    const nodes = c.cluster.enabled ? kafkaNodes(c) : [{ name: 'kafka', port: c.kafka.port, controllerPort: c.kafka.controllerPort }];
    for (const n of nodes) {
      uses.push({ port: n.port, key: 'kafka.port', what: `${n.name} broker` }, { port: n.controllerPort, key: 'kafka.controllerPort', what: `${n.name} controller` });
    }
  }
  if (runsLocalSparkCluster(c)) {
    uses.push({ port: c.cluster.masterPort, key: 'cluster.masterPort', what: 'Spark master' }, { port: c.cluster.masterUiPort, key: 'cluster.masterUiPort', what: 'Spark master UI' });
    for (const w of workerNodes(c)) {
      uses.push({ port: w.port, key: 'cluster.workerPort', what: `${w.name}` }, { port: w.uiPort, key: 'cluster.workerUiPort', what: `${w.name} UI` });
    }
  }
  return uses;
}

function portCollisions(c: StreamlineConfig): ConfigIssue[] {
  const seen = new Map<number, PortUse>();
  const issues: ConfigIssue[] = [];
  for (const use of portUses(c)) {
    const first = seen.get(use.port);
    if (first) issues.push({ key: use.key, message: `port ${use.port} (${use.what}) collides with ${first.what} (${first.key}); node i uses base + (i-1) * cluster.portStep` });
    else seen.set(use.port, use);
    if (use.port > 65535) issues.push({ key: use.key, message: `port ${use.port} (${use.what}) is above 65535; lower the base port or cluster.portStep` });
  }
  return issues;
}

/** Settings that make no sense together, with the reason; checked before any process starts. */
export function clusterIssues(c: StreamlineConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { replicationFactor: rf, minInsyncReplicas: isr } = c.kafka;
  if (c.cluster.enabled && !c.kafka.bootstrapServers) {
    const n = c.cluster.kafkaBrokers;
    if (rf > n) issues.push({ key: 'kafka.replicationFactor', message: `replication factor ${rf} needs at least ${rf} brokers; cluster.kafkaBrokers is ${n}` });
    if (n === 2 && isr >= 2) {
      issues.push({
        key: 'cluster.kafkaBrokers',
        message: `2 brokers with min.insync.replicas ${isr} cannot survive a kill: with one broker down only 1 replica is in sync, so every acks=all write fails; use 3 brokers (or kafka.minInsyncReplicas 1)`,
      });
    } else if (n > 1 && isr >= rf && rf > 1) {
      issues.push({ key: 'kafka.minInsyncReplicas', message: `min.insync.replicas ${isr} with replication factor ${rf} cannot survive a broker kill (acks=all writes need ${isr} in-sync replicas); use at most ${rf - 1}` });
    }
  }
  if (isr > rf) issues.push({ key: 'kafka.minInsyncReplicas', message: `min.insync.replicas ${isr} exceeds the replication factor ${rf}` });
  return [...issues, ...portCollisions(c)];
}
