import { Admin } from '@platformatic/kafka';
import { kafkaBootstrap, kafkaSasl, masterUiUrl, runsLocalSparkCluster, workerNodes, type StreamlineConfig } from '../config/index.js';
import { fetchMasterState, fetchWorkerState, workerEntry } from './spark-master.js';

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

/** Brokers and the ISR of our topics (those that exist) from one metadata request to any live broker. */
export async function kafkaClusterView(config: StreamlineConfig, timeoutMs = 3_000): Promise<KafkaClusterView> {
  const admin = new Admin({ clientId: 'streamline-status', bootstrapBrokers: kafkaBootstrap(config).split(','), timeout: timeoutMs, retries: 0, ...(kafkaSasl(config) ? { sasl: kafkaSasl(config) } : {}) });
  try {
    const listed = new Set(await admin.listTopics());
    const existing = config.topics.filter((t) => listed.has(t));
    const metadata = await admin.metadata({ topics: existing, forceUpdate: true });
    const topics = existing.map((topic): TopicIsr => {
      const partitions = (metadata.topics.get(topic)?.partitions ?? []).map((p, partition) => ({ partition, leader: p.leader, replicas: p.replicas, isr: p.isr }));
      return { topic, partitions, underReplicated: partitions.filter((p) => p.isr.length < p.replicas.length).length };
    });
    return { brokers: [...metadata.brokers.keys()].sort((a, b) => a - b), controllerId: metadata.controllerId, topics };
  } finally {
    await admin.close().catch(() => undefined);
  }
}

export interface WorkerView {
  name: string;
  /** ALIVE, DEAD, ... as the master reports it; 'unregistered' if the master does not know it. */
  state: string;
  cores: number;
  coresUsed: number;
  /** Executors of running applications on this worker, as `appId/executorId`. */
  executors: string[];
}

export interface SparkClusterView {
  masterStatus: string;
  aliveWorkers: number;
  apps: { id: string; name: string; cores: number; state: string }[];
  workers: WorkerView[];
}

/** The master's view of our workers and applications, and each live worker's executors. */
export async function sparkClusterView(config: StreamlineConfig, timeoutMs = 3_000): Promise<SparkClusterView | undefined> {
  if (!runsLocalSparkCluster(config)) return undefined;
  const master = await fetchMasterState(masterUiUrl(config), timeoutMs);
  const workers = await Promise.all(
    workerNodes(config).map(async (w): Promise<WorkerView> => {
      const entry = workerEntry(master, w.host, w.port);
      const executors = entry?.state === 'ALIVE'
        ? await fetchWorkerState(`http://${w.host}:${w.uiPort}`, timeoutMs).then((s) => s.executors.map((e) => `${e.appid}/${e.id}`), () => [])
        : [];
      return { name: w.name, state: entry?.state ?? 'unregistered', cores: entry?.cores ?? 0, coresUsed: entry?.coresused ?? 0, executors };
    }),
  );
  return {
    masterStatus: master.status,
    aliveWorkers: master.workers.filter((w) => w.state === 'ALIVE').length,
    apps: master.activeapps.map((a) => ({ id: a.id, name: a.name, cores: a.cores, state: a.state })),
    workers,
  };
}
