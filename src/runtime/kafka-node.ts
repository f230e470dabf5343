import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamlineConfig } from '../config/index.js';
import { probeKafka } from './probes.js';
import { artifactsOf, log4jConfig, logFileOf, requireJars, serviceDir, type ServiceName, type ServiceSpec } from './spec.js';

export interface KafkaNodeLayout {
  name: ServiceName;
  id: number;
  port: number;
  controllerPort: number;
  /** controller.quorum.voters, e.g. 1@127.0.0.1:9093,2@127.0.0.1:9095 */
  voters: string;
  /** Brokers in the cluster: internal topics get RF min(3, N). */
  brokers: number;
  /** Where the cluster id is written once and read by every node's storage format. */
  clusterIdFile: string;
}

function kafkaProperties(config: StreamlineConfig, node: KafkaNodeLayout, dataDir: string): Record<string, string> {
  const { host } = config.kafka;
  const internalRf = String(Math.min(3, node.brokers));
  return {
    'process.roles': 'broker,controller',
    'node.id': String(node.id),
    'controller.quorum.voters': node.voters,
    listeners: `PLAINTEXT://${host}:${node.port},CONTROLLER://${host}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${node.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': String(config.kafka.partitions),
    // Topics are created explicitly by the producer with the configured settings; a typo must not create one.
    'auto.create.topics.enable': 'false',
    'default.replication.factor': String(config.kafka.replicationFactor),
    'min.insync.replicas': String(config.kafka.minInsyncReplicas),
    'offsets.topic.replication.factor': internalRf,
    'transaction.state.log.replication.factor': internalRf,
    'transaction.state.log.min.isr': String(Math.min(2, node.brokers)),
    'group.initial.rebalance.delay.ms': '0',
    'message.max.bytes': String(2 * 1024 * 1024),
  };
}

/** One KRaft node (broker + controller) with its own dir, data, config and log. */
export function kafkaNodeService(config: StreamlineConfig, node: KafkaNodeLayout): ServiceSpec {
  const dir = serviceDir(config, node.name);
  const libs = join(artifactsOf(config), 'kafka', 'libs');
  const dataDir = join(dir, 'data');
  const propsFile = join(dir, 'server.properties');
  const log4jFile = join(dir, 'log4j2.properties');
  const { host } = config.kafka;
  const single = node.brokers === 1 && !config.cluster.enabled;
  const classpath = `${libs}/*`;
  const nth = single ? '' : ` of ${node.name}, base + ${node.id - 1} * cluster.portStep`;
  return {
    name: node.name,
    role: 'kafka-broker',
    phase: 0,
    title: single ? 'Kafka broker + KRaft controller' : `Kafka broker + KRaft controller, node ${node.id}`,
    address: `${host}:${node.port}`,
    ports: [
      { host, port: node.port, purpose: `Kafka broker listener${nth}`, configKey: 'kafka.port' },
      { host, port: node.controllerPort, purpose: `Kafka KRaft controller listener${nth}`, configKey: 'kafka.controllerPort' },
    ],
    startTimeoutMs: 90_000,
    checkArtifacts: () => requireJars(libs, 'Kafka'),
    async prepare() {
      mkdirSync(dataDir, { recursive: true });
      const props = kafkaProperties(config, node, dataDir);
      writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
      writeFileSync(log4jFile, log4jConfig('INFO', { 'state.change.logger': 'WARN', 'kafka.request.logger': 'WARN', 'org.apache.kafka.controller': 'WARN' }));
      if (existsSync(join(dataDir, 'meta.properties'))) return;
      if (!existsSync(node.clusterIdFile)) writeFileSync(node.clusterIdFile, randomBytes(16).toString('base64url'));
      const clusterId = readFileSync(node.clusterIdFile, 'utf8').trim();
      // A base64url id may start with '-': passed as `-t <id>` the tool would read it as an option.
      const { runToCompletion } = await import('./exec.js');
      await runToCompletion('java', ['-cp', classpath, `-Dlog4j2.configurationFile=${log4jFile}`, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, `--config=${propsFile}`], {
        what: `format Kafka storage of ${node.name}`,
        logFile: logFileOf(config, node.name),
      });
    },
    launch: () => ({
      command: 'java',
      // Single node keeps its fixed heap (fast as before), touched at start so that its RSS is flat from the first
      // minute instead of creeping up for the first hour (the 2 h soak); cluster nodes grow on demand to keep RSS
      // at rest low.
      args: [`-Xmx${config.kafka.heap}`, ...(single ? [`-Xms${config.kafka.heap}`, '-XX:+AlwaysPreTouch'] : []), `-Dlog4j2.configurationFile=${log4jFile}`, '-cp', classpath, 'kafka.Kafka', propsFile],
      env: process.env,
      cwd: dir,
    }),
    probe: (timeoutMs) => probeKafka(`${host}:${node.port}`, timeoutMs, single ? undefined : node.id),
  };
}

