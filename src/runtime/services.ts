import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamlineConfig } from '../config/index.js';
import { probeFerretDb, probeKafka, probeSpark } from './probes.js';
import { RuntimeError } from './errors.js';

export type ServiceName = 'kafka' | 'spark' | 'ferretdb';

export interface PortClaim {
  host: string;
  port: number;
  /** What the port is for, e.g. "Kafka broker listener". */
  purpose: string;
  /** The config key that moves it, for the error message. */
  configKey: string;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Everything the supervisor needs to start, probe and describe one local service. */
export interface ServiceSpec {
  name: ServiceName;
  title: string;
  address: string;
  ports: PortClaim[];
  /** Throws a RuntimeError naming what is missing (jars, binary) and how to get it. */
  checkArtifacts(): void;
  /** Writes config files, formats storage; idempotent. */
  prepare(): Promise<void>;
  launch(): LaunchSpec;
  /** Resolves when the service answers a real request; rejects otherwise. */
  probe(timeoutMs: number): Promise<void>;
  startTimeoutMs: number;
}

const artifacts = (config: StreamlineConfig) => config.artifactsDir ?? config.stateDir;
export const serviceDir = (config: StreamlineConfig, name: ServiceName) => join(config.stateDir, name);
export const logFileOf = (config: StreamlineConfig, name: ServiceName) => join(config.stateDir, 'logs', `${name}.log`);

// Spark's launcher scripts add these for Java 17+ (JavaModuleOptions); we start the JVM ourselves.
const SPARK_JAVA_OPTIONS = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  '--add-modules=jdk.incubator.vector',
  ...[
    'java.lang', 'java.lang.invoke', 'java.lang.reflect', 'java.io', 'java.net', 'java.nio', 'java.util',
    'java.util.concurrent', 'java.util.concurrent.atomic', 'jdk.internal.ref', 'sun.nio.ch', 'sun.nio.cs',
    'sun.security.action', 'sun.util.calendar',
  ].map((pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`),
  '-Djdk.reflect.useDirectMethodHandle=false',
  '-Dio.netty.tryReflectionSetAccessible=true',
];

function requireJars(dir: string, what: string): void {
  if (!existsSync(dir) || readdirSync(dir).filter((f) => f.endsWith('.jar')).length === 0) {
    throw new RuntimeError(`missing artifact: no ${what} jars in ${dir}`, 'run `npm run setup` (it downloads them from Maven Central)');
  }
}

const log4jConfig = (rootLevel: string, loggers: Record<string, string>) =>
  [
    'status = warn',
    'appender.console.type = Console',
    'appender.console.name = console',
    'appender.console.target = SYSTEM_OUT',
    'appender.console.layout.type = PatternLayout',
    'appender.console.layout.pattern = %d{ISO8601} %-5p [%c{1}] %m%n',
    `rootLogger.level = ${rootLevel}`,
    'rootLogger.appenderRef.console.ref = console',
    ...Object.entries(loggers).flatMap(([name, level], i) => [
      `logger.l${i}.name = ${name}`,
      `logger.l${i}.level = ${level}`,
    ]),
  ].join('\n') + '\n';

export function kafkaService(config: StreamlineConfig): ServiceSpec {
  const dir = serviceDir(config, 'kafka');
  const libs = join(artifacts(config), 'kafka', 'libs');
  const dataDir = join(dir, 'data');
  const propsFile = join(dir, 'server.properties');
  const log4jFile = join(dir, 'log4j2.properties');
  const { host, port, controllerPort } = config.kafka;
  const classpath = `${libs}/*`;
  return {
    name: 'kafka',
    title: 'Kafka broker + KRaft controller',
    address: `${host}:${port}`,
    ports: [
      { host, port, purpose: 'Kafka broker listener', configKey: 'kafka.port' },
      { host, port: controllerPort, purpose: 'Kafka KRaft controller listener', configKey: 'kafka.controllerPort' },
    ],
    startTimeoutMs: 90_000,
    checkArtifacts: () => requireJars(libs, 'Kafka'),
    async prepare() {
      mkdirSync(dataDir, { recursive: true });
      const props = {
        'process.roles': 'broker,controller',
        'node.id': '1',
        'controller.quorum.voters': `1@${host}:${controllerPort}`,
        listeners: `PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
        'advertised.listeners': `PLAINTEXT://${host}:${port}`,
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'controller.listener.names': 'CONTROLLER',
        'inter.broker.listener.name': 'PLAINTEXT',
        'log.dirs': dataDir,
        'num.partitions': String(config.kafka.partitions),
        // Topics are created explicitly by the producer with the configured settings; a typo must not create one.
        'auto.create.topics.enable': 'false',
        'offsets.topic.replication.factor': '1',
        'transaction.state.log.replication.factor': '1',
        'transaction.state.log.min.isr': '1',
        'group.initial.rebalance.delay.ms': '0',
        'message.max.bytes': String(2 * 1024 * 1024),
      };
      writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
      writeFileSync(log4jFile, log4jConfig('INFO', { 'state.change.logger': 'WARN', 'kafka.request.logger': 'WARN', 'org.apache.kafka.controller': 'WARN' }));
      if (existsSync(join(dataDir, 'meta.properties'))) return;
      const clusterIdFile = join(dir, 'cluster-id');
      if (!existsSync(clusterIdFile)) writeFileSync(clusterIdFile, randomBytes(16).toString('base64url'));
      const clusterId = readFileSync(clusterIdFile, 'utf8').trim();
      const { runToCompletion } = await import('./exec.js');
      await runToCompletion('java', ['-cp', classpath, `-Dlog4j2.configurationFile=${log4jFile}`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile], {
        what: 'format Kafka storage',
        logFile: logFileOf(config, 'kafka'),
      });
    },
    launch: () => ({
      command: 'java',
      args: [`-Xmx${config.kafka.heap}`, `-Xms${config.kafka.heap}`, `-Dlog4j2.configurationFile=${log4jFile}`, '-cp', classpath, 'kafka.Kafka', propsFile],
      env: process.env,
      cwd: dir,
    }),
    probe: (timeoutMs) => probeKafka(`${host}:${port}`, timeoutMs),
  };
}

export function sparkService(config: StreamlineConfig): ServiceSpec {
  const dir = serviceDir(config, 'spark');
  const sparkHome = join(artifacts(config), 'spark');
  const jars = join(sparkHome, 'jars');
  const log4jFile = join(dir, 'log4j2.properties');
  const { host, port, uiPort, master, driverMemory, sessionTimeout } = config.spark;
  const conf: Record<string, string> = {
    'spark.master': master,
    'spark.app.name': 'streamline-connect',
    'spark.driver.memory': driverMemory,
    'spark.driver.host': host,
    'spark.driver.bindAddress': host,
    'spark.connect.grpc.binding.address': host,
    'spark.connect.grpc.binding.port': String(port),
    'spark.connect.grpc.port.maxRetries': '0',
    'spark.connect.session.manager.defaultSessionTimeout': sessionTimeout,
    'spark.ui.port': String(uiPort),
    'spark.local.dir': join(dir, 'tmp'),
    'spark.sql.warehouse.dir': join(dir, 'warehouse'),
    // Small local batches: the default 200 shuffle partitions only add scheduling overhead here.
    'spark.sql.shuffle.partitions': '4',
    'spark.sql.streaming.stopGracefullyOnShutdown': 'true',
  };
  return {
    name: 'spark',
    title: 'Spark Connect server',
    address: `sc://${host}:${port}`,
    ports: [{ host, port, purpose: 'Spark Connect gRPC', configKey: 'spark.port' }],
    startTimeoutMs: 120_000,
    checkArtifacts: () => requireJars(jars, 'Spark'),
    async prepare() {
      mkdirSync(join(dir, 'tmp'), { recursive: true });
      writeFileSync(log4jFile, log4jConfig('WARN', {
        'org.apache.spark.sql.connect': 'INFO',
        'org.apache.spark.sql.execution.streaming': 'INFO',
        'org.apache.spark.SparkContext': 'INFO',
      }));
    },
    launch: () => ({
      command: 'java',
      args: [
        `-Xmx${driverMemory}`,
        ...SPARK_JAVA_OPTIONS,
        `-Dlog4j2.configurationFile=${log4jFile}`,
        '-cp', `${jars}/*`,
        'org.apache.spark.deploy.SparkSubmit',
        ...Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]),
        '--class', 'org.apache.spark.sql.connect.service.SparkConnectServer',
        'spark-internal',
      ],
      env: { ...process.env, SPARK_HOME: sparkHome, SPARK_LOCAL_IP: host },
      cwd: dir,
    }),
    probe: (timeoutMs) => probeSpark(`sc://${host}:${port}`, timeoutMs),
  };
}

export function ferretDbService(config: StreamlineConfig): ServiceSpec {
  const dir = serviceDir(config, 'ferretdb');
  const binary = join(artifacts(config), 'bin', 'ferretdb');
  const dataDir = join(dir, 'data');
  const { host, port } = config.mongo;
  return {
    name: 'ferretdb',
    title: 'FerretDB (MongoDB wire protocol, SQLite)',
    address: `mongodb://${host}:${port}`,
    ports: [{ host, port, purpose: 'MongoDB wire protocol', configKey: 'mongo.port' }],
    startTimeoutMs: 30_000,
    checkArtifacts() {
      if (!existsSync(binary)) throw new RuntimeError(`missing artifact: FerretDB binary ${binary}`, 'run `npm run setup` (it builds FerretDB v1.24.2 with Go)');
    },
    async prepare() {
      mkdirSync(dataDir, { recursive: true });
    },
    launch: () => ({
      command: binary,
      args: [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--listen-addr=${host}:${port}`,
        `--state-dir=${dir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=info',
      ],
      env: process.env,
      cwd: dir,
    }),
    probe: (timeoutMs) => probeFerretDb(`mongodb://${host}:${port}`, timeoutMs),
  };
}

/** The local services this configuration asks for: an external endpoint in the config replaces its service. */
export function localServices(config: StreamlineConfig): ServiceSpec[] {
  const specs: ServiceSpec[] = [];
  if (!config.mongo.uri) specs.push(ferretDbService(config));
  if (!config.kafka.bootstrapServers) specs.push(kafkaService(config));
  if (!config.spark.remote) specs.push(sparkService(config));
  return specs;
}
