import { masterUiUrl, runsLocalSparkCluster, workerNodes, type StreamlineConfig } from '../config/index.js';
import { describeCluster, withKafkaAdmin, type KafkaClusterView } from '../kafka/index.js';
import { fetchMasterState, fetchWorkerState, workerEntry } from './spark-master.js';

/** Brokers and the ISR of the pipeline's topics (those that exist) from one metadata request to any live broker. */
export const kafkaClusterView = (config: StreamlineConfig, topics: readonly string[], timeoutMs = 3_000): Promise<KafkaClusterView> =>
  withKafkaAdmin(config, 'streamline-status', (admin) => describeCluster(admin, topics), { timeoutMs, retries: 0 });

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
