import type { ClusterMetadata, CreatedTopic, CreateTopicsOptions } from '@platformatic/kafka';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaAdmin } from './admin.js';
import { describeKafkaError, topicAlreadyExists } from './errors.js';

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** The part of the client's Admin that ensureTopics uses; a seam for unit tests. */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  createTopics(options: CreateTopicsOptions): Promise<CreatedTopic[]>;
  metadata(options: { topics: string[]; forceUpdate?: boolean }): Promise<ClusterMetadata>;
}

export interface EnsureTopicsOptions {
  warn?: (message: string) => void;
  /** How long to wait for every partition of the topics to have a leader (ms). Default 30000. */
  readyTimeoutMs?: number;
}

export interface EnsureTopicsReport {
  created: string[];
  existing: string[];
  /** Existing topics whose layout differs from the settings (also passed to `warn`). */
  warnings: string[];
}

function validateTopicSettings(settings: TopicSettings): void {
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`topic setting ${name} must be a whole number >= 1, got ${value}`);
  }
  if (settings.minInsyncReplicas > settings.replicationFactor) {
    // The broker accepts this, but cannot honour it: older brokers refuse every acks=all write with
    // NOT_ENOUGH_REPLICAS, and Kafka 4 quietly caps it at the replication factor (seen on 4.1.1).
    throw new RangeError(
      `topic setting minInsyncReplicas (${settings.minInsyncReplicas}) must not exceed replicationFactor (${settings.replicationFactor}): the broker cannot honour it`,
    );
  }
}

/** Existing topics whose partitions or replication differ from the settings. */
function layoutWarnings(metadata: ClusterMetadata, existing: string[], settings: TopicSettings): string[] {
  const warnings: string[] = [];
  for (const topic of existing) {
    const layout = metadata.topics.get(topic);
    if (!layout) continue;
    if (layout.partitionsCount !== settings.partitions) {
      warnings.push(`topic ${topic} exists with ${layout.partitionsCount} partitions, configured ${settings.partitions}; using it as it is`);
    }
    const replicas = layout.partitions[0]?.replicas.length;
    if (replicas !== undefined && replicas !== settings.replicationFactor) {
      warnings.push(`topic ${topic} exists with replication factor ${replicas}, configured ${settings.replicationFactor}; using it as it is`);
    }
  }
  return warnings;
}

/**
 * Creates the topics that are missing (with `min.insync.replicas`), tolerates ones that exist or
 * appear concurrently, warns where an existing topic's layout differs, and waits until every
 * partition has a leader so the first produce does not race the controller. Ours: the client's
 * createTopics neither tolerates a concurrent creator nor waits for leaders.
 */
export async function ensureTopics(
  admin: TopicAdmin,
  topics: readonly string[],
  settings: TopicSettings,
  options: EnsureTopicsOptions = {},
): Promise<EnsureTopicsReport> {
  validateTopicSettings(settings);
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const wanted = [...new Set(topics)];
  const present = new Set(await admin.listTopics());
  const created: string[] = [];
  const existing = wanted.filter((topic) => present.has(topic));

  // One request per topic so a concurrent creator failing one of them cannot hide the others' outcome.
  for (const topic of wanted.filter((t) => !present.has(t))) {
    try {
      await admin.createTopics({
        topics: [topic],
        partitions: settings.partitions,
        replicas: settings.replicationFactor,
        configs: [{ name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) }],
      });
      created.push(topic);
    } catch (error) {
      if (!topicAlreadyExists(error)) throw new Error(`could not create topic ${topic}: ${describeKafkaError(error)}`, { cause: error });
      existing.push(topic);
    }
  }

  const metadata = await waitForLeaders(admin, wanted, options.readyTimeoutMs ?? 30_000);
  const warnings = layoutWarnings(metadata, existing, settings);
  for (const warning of warnings) warn(warning);
  return { created, existing, warnings };
}

/** Polls metadata until every partition of `topics` has a leader, or the deadline passes. */
async function waitForLeaders(admin: TopicAdmin, topics: string[], timeoutMs: number): Promise<ClusterMetadata> {
  const deadline = Date.now() + timeoutMs;
  let problem = 'no metadata yet';
  for (let attempt = 1; ; attempt++) {
    try {
      const metadata = await admin.metadata({ topics, forceUpdate: true });
      const leaderless = topics.filter((topic) => {
        const layout = metadata.topics.get(topic);
        return !layout || layout.partitions.length === 0 || layout.partitions.some((p) => p.leader < 0);
      });
      if (leaderless.length === 0) return metadata;
      problem = `partitions without a leader in ${leaderless.join(', ')}`;
    } catch (error) {
      problem = describeKafkaError(error);
    }
    if (Date.now() >= deadline) throw new Error(`topics not ready after ${timeoutMs} ms: ${problem}`);
    await sleep(Math.min(1000, 50 * attempt));
  }
}

/** Replication health of one of our topics, from cluster metadata. */
export interface TopicIsr {
  topic: string;
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
  /** Partitions whose ISR is smaller than their replica set. */
  underReplicated: number;
}

export interface KafkaClusterView {
  /** Broker ids the controller quorum currently lists. */
  brokers: number[];
  controllerId: number;
  topics: TopicIsr[];
}

/** Brokers and the ISR of those of `topics` that exist, from one metadata request. */
export async function describeCluster(admin: KafkaAdmin, topics: readonly string[]): Promise<KafkaClusterView> {
  const listed = new Set(await admin.listTopics());
  const existing = topics.filter((t) => listed.has(t));
  const metadata = await admin.metadata({ topics: existing, forceUpdate: true });
  const isr = existing.map((topic): TopicIsr => {
    const partitions = (metadata.topics.get(topic)?.partitions ?? []).map((p, partition) => ({ partition, leader: p.leader, replicas: p.replicas, isr: p.isr }));
    return { topic, partitions, underReplicated: partitions.filter((p) => p.isr.length < p.replicas.length).length };
  });
  return { brokers: [...metadata.brokers.keys()].sort((a, b) => a - b), controllerId: metadata.controllerId, topics: isr };
}

/**
 * Readiness: the cluster answers a metadata request listing at least one broker (with `nodeId`:
 * listing that node, i.e. it registered with the controller quorum and serves as a broker).
 */
export async function checkBrokers(admin: KafkaAdmin, nodeId?: number): Promise<void> {
  const metadata = await admin.metadata({ topics: [] });
  if (metadata.brokers.size === 0) throw new Error('metadata lists no broker yet');
  if (nodeId !== undefined && !metadata.brokers.has(nodeId)) throw new Error(`cluster metadata does not list broker ${nodeId}`);
}
