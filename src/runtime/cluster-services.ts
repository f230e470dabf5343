import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaNodes, masterUiUrl, workerNodes, type StreamlineConfig, type WorkerNode } from '../config/index.js';
import { kafkaNodeService } from './kafka-node.js';
import { fetchMasterState, workerEntry } from './spark-master.js';
import { artifactsOf, log4jConfig, requireJars, serviceDir, SPARK_JAVA_OPTIONS, type ServiceSpec } from './spec.js';

/** N KRaft nodes, each broker + controller; the quorum is every node (3 when N = 3). */
export function kafkaClusterServices(config: StreamlineConfig): ServiceSpec[] {
  const nodes = kafkaNodes(config);
  const voters = nodes.map((n) => `${n.id}@${n.host}:${n.controllerPort}`).join(',');
  const clusterIdFile = join(config.stateDir, 'kafka-cluster-id');
  return nodes.map((n) => kafkaNodeService(config, { name: n.name, id: n.id, port: n.port, controllerPort: n.controllerPort, voters, brokers: nodes.length, clusterIdFile }));
}

/** Executor sizing for our own workers: one executor per worker taking all its cores and memory. */
export function executorConf(config: StreamlineConfig): Record<string, string> {
  if (!config.cluster.enabled || !config.spark.master.startsWith('spark://')) return {};
  const { workerCores, workerMemory, sparkWorkers } = config.cluster;
  return {
    'spark.executor.cores': String(workerCores),
    'spark.executor.memory': workerMemory,
    'spark.cores.max': String(workerCores * sparkWorkers),
  };
}

const sparkHomeOf = (config: StreamlineConfig) => join(artifactsOf(config), 'spark');

/**
 * A standalone daemon (Master or Worker) started from the jars. Workers launch executors through Spark's
 * launcher library, which needs SPARK_HOME/RELEASE (to use SPARK_HOME/jars) and SPARK_SCALA_VERSION.
 */
function sparkDaemon(config: StreamlineConfig, name: string, mainClass: string, args: string[]): Pick<ServiceSpec, 'checkArtifacts' | 'prepare' | 'launch'> {
  const dir = serviceDir(config, name);
  const sparkHome = sparkHomeOf(config);
  const jars = join(sparkHome, 'jars');
  const log4jFile = join(dir, 'log4j2.properties');
  return {
    checkArtifacts: () => requireJars(jars, 'Spark'),
    async prepare() {
      mkdirSync(join(dir, 'work'), { recursive: true });
      writeFileSync(log4jFile, log4jConfig('WARN', { 'org.apache.spark.deploy': 'INFO' }));
      const release = join(sparkHome, 'RELEASE');
      if (!existsSync(release)) writeFileSync(release, 'Spark laid out from Maven jars by streamline setup\n');
    },
    launch: () => ({
      command: 'java',
      args: [`-Xmx${config.cluster.daemonHeap}`, ...SPARK_JAVA_OPTIONS, `-Dlog4j2.configurationFile=${log4jFile}`, '-cp', `${jars}/*`, mainClass, ...args],
      env: { ...process.env, SPARK_HOME: sparkHome, SPARK_LOCAL_IP: config.spark.host, SPARK_SCALA_VERSION: '2.13', SPARK_LOG_DIR: dir },
      cwd: dir,
    }),
  };
}

function masterService(config: StreamlineConfig): ServiceSpec {
  const { host } = config.spark;
  const { masterPort, masterUiPort } = config.cluster;
  const ui = masterUiUrl(config);
  return {
    name: 'spark-master',
    role: 'spark-master',
    phase: 0,
    title: `Spark standalone master (web UI ${ui})`,
    address: `spark://${host}:${masterPort}`,
    ports: [
      { host, port: masterPort, purpose: 'Spark master RPC', configKey: 'cluster.masterPort' },
      { host, port: masterUiPort, purpose: 'Spark master web UI', configKey: 'cluster.masterUiPort' },
    ],
    startTimeoutMs: 60_000,
    ...sparkDaemon(config, 'spark-master', 'org.apache.spark.deploy.master.Master', ['--host', host, '--port', String(masterPort), '--webui-port', String(masterUiPort)]),
    async probe(timeoutMs) {
      const state = await fetchMasterState(ui, timeoutMs);
      if (state.status !== 'ALIVE') throw new Error(`master status ${state.status}`);
    },
  };
}

function workerService(config: StreamlineConfig, w: WorkerNode): ServiceSpec {
  const { workerCores, workerMemory } = config.cluster;
  const nth = `of ${w.name}, base + ${w.index - 1} * cluster.portStep`;
  return {
    name: w.name,
    role: 'spark-worker',
    phase: 1,
    title: `Spark worker ${w.index} (${workerCores} core${workerCores > 1 ? 's' : ''}, ${workerMemory}; web UI http://${w.host}:${w.uiPort})`,
    address: `${w.host}:${w.port}`,
    ports: [
      { host: w.host, port: w.port, purpose: `Spark worker RPC ${nth}`, configKey: 'cluster.workerPort' },
      { host: w.host, port: w.uiPort, purpose: `Spark worker web UI ${nth}`, configKey: 'cluster.workerUiPort' },
    ],
    startTimeoutMs: 60_000,
    ...sparkDaemon(config, w.name, 'org.apache.spark.deploy.worker.Worker', [
      '--host', w.host,
      '--port', String(w.port),
      '--webui-port', String(w.uiPort),
      '--cores', String(workerCores),
      '--memory', workerMemory,
      '--work-dir', join(serviceDir(config, w.name), 'work'),
      `spark://${config.spark.host}:${config.cluster.masterPort}`,
    ]),
    // Healthy means the master counts it as ALIVE, not merely that its process answers.
    async probe(timeoutMs) {
      const entry = workerEntry(await fetchMasterState(masterUiUrl(config), timeoutMs), w.host, w.port);
      if (!entry) throw new Error('not registered with the master');
      if (entry.state !== 'ALIVE') throw new Error(`master reports it ${entry.state}`);
    },
  };
}

export function sparkClusterServices(config: StreamlineConfig): ServiceSpec[] {
  return [masterService(config), ...workerNodes(config).map((w) => workerService(config, w))];
}
