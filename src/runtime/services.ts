import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runsLocalSparkCluster, SPARK_REDACTION_REGEX, type StreamlineConfig } from '../config/index.js';
import { probeFerretDb, probeSpark } from './probes.js';
import { MissingArtifactError } from '../core/errors.js';
// streamline's Spark Connect server plugin (runtime/connect-plugin), as setup names it in the Spark jars dir.
import { ROUTED_FOREACH_BATCH_PLUGIN_CLASS as CONNECT_PLUGIN_CLASS, ROUTED_FOREACH_BATCH_PLUGIN_JAR as CONNECT_PLUGIN_JAR } from '@streamline/spark-connect';
import { executorConf, kafkaClusterServices, sparkClusterServices } from './cluster-services.js';
import { kafkaNodeService } from './kafka-node.js';
import { artifactsOf, log4jConfig, driverJvmOptions, requireJars, serviceDir, SPARK_JAVA_OPTIONS, type ServiceSpec } from './spec.js';

export { logFileOf, STOP_ORDER, type ServiceName, type ServiceRole, type ServiceSpec } from './spec.js';

function kafkaService(config: StreamlineConfig): ServiceSpec {
  const dir = serviceDir(config, 'kafka');
  const { host, port, controllerPort } = config.kafka;
  return kafkaNodeService(config, { name: 'kafka', id: 1, port, controllerPort, voters: `1@${host}:${controllerPort}`, brokers: 1, clusterIdFile: join(dir, 'cluster-id') });
}


function sparkService(config: StreamlineConfig): ServiceSpec {
  const dir = serviceDir(config, 'spark');
  const sparkHome = join(artifactsOf(config), 'spark');
  const jars = join(sparkHome, 'jars');
  const log4jFile = join(dir, 'log4j2.properties');
  const { host, port, uiPort, master, driverMemory, sessionTimeout } = config.spark;
  const conf: Record<string, string> = {
    ...executorConf(config),
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
    // Spark 4.0 caches compiled code per class loader and code, 100 entries in segments of 25: the routed
    // queries alone need about 60, so batches kept evicting each other's classes and compiling them again
    // (hundreds of classes a minute in the soak; docs/decisions.md, "Classes compiled per micro-batch").
    'spark.sql.codegen.cache.maxEntries': '1000',
    'spark.sql.streaming.stopGracefullyOnShutdown': 'true',
    // The sink's MongoDB URI and the Kafka source's JAAS config carry passwords: keep them out of plans, UI and logs.
    'spark.redaction.string.regex': SPARK_REDACTION_REGEX,
    // streamline's plugin (runtime/connect-plugin, built by setup into the jars dir): routed foreachBatch.
    'spark.connect.extensions.command.classes': CONNECT_PLUGIN_CLASS,
  };
  if (config.spark.master.startsWith('spark://')) conf['spark.executor.extraJavaOptions'] = `-Dlog4j2.configurationFile=${log4jFile}`;
  return {
    name: 'spark',
    role: 'spark-driver',
    phase: 2,
    title: config.spark.master.startsWith('spark://') ? `Spark Connect server (driver, master ${config.spark.master})` : 'Spark Connect server',
    address: `sc://${host}:${port}`,
    ports: [{ host, port, purpose: 'Spark Connect gRPC', configKey: 'spark.port' }],
    // As driver of a standalone cluster it also waits for its executors to launch on the workers; on a
    // shared 2-core machine at load 40 even the local JVM needed more than 120 s (issue 12 bench runs).
    startTimeoutMs: config.spark.master.startsWith('spark://') ? 300_000 : 240_000,
    checkArtifacts() {
      requireJars(jars, 'Spark');
      if (!existsSync(join(jars, CONNECT_PLUGIN_JAR))) {
        throw new MissingArtifactError(`missing artifact: streamline's Spark Connect plugin ${join(jars, CONNECT_PLUGIN_JAR)}`, { hint: 'run `npm run setup` (it builds runtime/connect-plugin with Maven)' });
      }
    },
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
        // A driver out of heap answers nothing yet keeps its port: exit instead, so it is seen as crashed
        // and the stream supervisor starts it again (the 2 h soak's driver hung like that, see SOAK.md).
        '-XX:+ExitOnOutOfMemoryError',
        ...driverJvmOptions(driverMemory, join(dir, 'gc.log')),
        ...SPARK_JAVA_OPTIONS,
        `-Dlog4j2.configurationFile=${log4jFile}`,
        '-cp', `${jars}/*`,
        'org.apache.spark.deploy.SparkSubmit',
        ...Object.entries(conf).flatMap(([k, v]) => ['--conf', `${k}=${v}`]),
        '--class', 'org.apache.spark.sql.connect.service.SparkConnectServer',
        'spark-internal',
      ],
      // glibc gives each of the driver's ~300 threads its own malloc arena by default; a few arenas keep the
      // native part of the RSS from creeping (Hadoop and Spark deployments set the same).
      env: { ...process.env, SPARK_HOME: sparkHome, SPARK_LOCAL_IP: host, MALLOC_ARENA_MAX: process.env['MALLOC_ARENA_MAX'] ?? '4' },
      cwd: dir,
    }),
    probe: (timeoutMs) => probeSpark(`sc://${host}:${port}`, timeoutMs),
  };
}

export function ferretDbService(config: StreamlineConfig): ServiceSpec {
  const dir = serviceDir(config, 'ferretdb');
  const binary = join(artifactsOf(config), 'bin', 'ferretdb');
  const dataDir = join(dir, 'data');
  const { host, port } = config.mongo;
  return {
    name: 'ferretdb',
    role: 'mongo',
    phase: 0,
    title: 'FerretDB (MongoDB wire protocol, SQLite)',
    address: `mongodb://${host}:${port}`,
    ports: [{ host, port, purpose: 'MongoDB wire protocol', configKey: 'mongo.port' }],
    startTimeoutMs: 30_000,
    checkArtifacts() {
      if (!existsSync(binary)) throw new MissingArtifactError(`missing artifact: FerretDB binary ${binary}`, { hint: 'run `npm run setup` (it builds FerretDB v1.24.2 with Go)' });
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
  if (!config.kafka.bootstrapServers) specs.push(...(config.cluster.enabled ? kafkaClusterServices(config) : [kafkaService(config)]));
  if (!config.spark.remote) {
    if (runsLocalSparkCluster(config)) specs.push(...sparkClusterServices(config));
    specs.push(sparkService(config));
  }
  return specs;
}
