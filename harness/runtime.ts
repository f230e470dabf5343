import { resolve } from 'node:path';
import { loadConfig, type StreamlineConfig } from '../src/config/index.js';
import { BASE_PORTS, portOffset, type PortBlockName } from './ports.js';

const repoRoot = resolve(import.meta.dirname, '..');

/**
 * A configuration for a test runtime: its own state dir and ports (so it never collides with a
 * developer's `streamline up`), sharing the jars and binaries that setup put in .streamline.
 */
export function testRuntimeConfig(name: string, block: PortBlockName, opts: { cluster?: boolean; shift?: number } = {}): StreamlineConfig {
  const offset = portOffset(block, opts.shift);
  const port = (base: keyof typeof BASE_PORTS) => BASE_PORTS[base] + offset;
  const artifactsDir = process.env.STREAMLINE_STATE_DIR ?? resolve(repoRoot, '.streamline');
  return loadConfig({
    env: {},
    cwd: repoRoot,
    overrides: {
      stateDir: resolve(artifactsDir, 'test', name),
      artifactsDir,
      kafka: { port: port('kafka'), controllerPort: port('kafkaController'), heap: '512m' },
      spark: { port: port('sparkConnect'), uiPort: port('sparkUi'), driverMemory: '1536m', ...(opts.cluster ? {} : { master: 'local[2]' }) },
      mongo: { port: port('mongo') },
      api: { port: port('api') },
      dashboard: { port: port('dashboard') },
      // Cluster mode: brokers at kafka.port + 0, 2, 4 (controllers likewise); workers at workerPort + 0, 2.
      cluster: {
        enabled: opts.cluster ?? false,
        masterPort: port('sparkMaster'),
        masterUiPort: port('sparkMasterUi'),
        workerPort: port('sparkWorker'),
        workerUiPort: port('sparkWorkerUi'),
      },
    },
  });
}

/**
 * The environment that points the CLI at a test runtime's ports and at the checkout's jars and binaries, as
 * a user's shell would (`STREAMLINE_*`), with a 1 GiB driver; the state dir is left to the caller.
 */
export function runtimeEnv(config: StreamlineConfig): Record<string, string> {
  return {
    STREAMLINE_ARTIFACTS_DIR: config.artifactsDir ?? config.stateDir,
    STREAMLINE_KAFKA_PORT: String(config.kafka.port),
    STREAMLINE_KAFKA_CONTROLLER_PORT: String(config.kafka.controllerPort),
    STREAMLINE_SPARK_PORT: String(config.spark.port),
    STREAMLINE_SPARK_UI_PORT: String(config.spark.uiPort),
    STREAMLINE_SPARK_DRIVER_MEMORY: '1g',
    STREAMLINE_MONGO_PORT: String(config.mongo.port),
  };
}
