import { resolve } from 'node:path';
import { loadConfig, type StreamlineConfig } from '../../src/config/index.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');

/**
 * A configuration for a test runtime: its own state dir and ports (so it never collides with a
 * developer's `streamline up`), sharing the jars and binaries that setup put in .streamline.
 */
export function testRuntimeConfig(name: string, portOffset: number, opts: { cluster?: boolean } = {}): StreamlineConfig {
  // Lets two checkouts run their suites side by side on one machine (each with its own port block).
  portOffset += Number(process.env.STREAMLINE_TEST_PORT_OFFSET ?? 0);
  const artifactsDir = process.env.STREAMLINE_STATE_DIR ?? resolve(repoRoot, '.streamline');
  return loadConfig({
    env: {},
    cwd: repoRoot,
    overrides: {
      stateDir: resolve(artifactsDir, 'test', name),
      artifactsDir,
      kafka: { port: 19092 + portOffset, controllerPort: 19093 + portOffset, heap: '512m' },
      spark: { port: 25002 + portOffset, uiPort: 24040 + portOffset, driverMemory: '1536m', ...(opts.cluster ? {} : { master: 'local[2]' }) },
      mongo: { port: 37017 + portOffset },
      api: { port: 13001 + portOffset },
      dashboard: { port: 13000 + portOffset },
      // Cluster mode: brokers at kafka.port + 0, 2, 4 (controllers likewise); workers at workerPort + 0, 2.
      cluster: {
        enabled: opts.cluster ?? false,
        masterPort: 17077 + portOffset,
        masterUiPort: 18080 + portOffset,
        workerPort: 17078 + portOffset,
        workerUiPort: 18081 + portOffset,
      },
    },
  });
}
