import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamlineConfig } from '../../src/config/index.js';
import { testRuntimeConfig } from '../../harness/runtime.js';

export const ALWAYS_ON_RUNTIME = 'always-on';

/**
 * The always-on tier's runtime: ports 1000 above the integration tier's (inside this checkout's block,
 * STREAMLINE_TEST_PORT_OFFSET), Spark Connect sessions that expire after 1 minute without a client
 * call (the supervisor must keep its session active), a duplicate window of 100 users (it rolls
 * over many times in the run), a delivery timeout that outlasts the broker's 60 s outage and its
 * restart on a busy machine, and a first restart backoff long enough to see a stopped query in
 * `stream status` before the supervisor has it running again.
 */
export function alwaysOnConfig(): StreamlineConfig {
  const base = testRuntimeConfig(ALWAYS_ON_RUNTIME, 'always-on');
  return {
    ...base,
    spark: { ...base.spark, sessionTimeout: '1m' },
    produce: { ...base.produce, dedupeWindowKeys: 100, deliveryTimeoutMs: 600_000 },
    stream: { ...base.stream, restart: { ...base.stream.restart, initialBackoffMs: 15_000, maxBackoffMs: 30_000 } },
  };
}

/** The same configuration as a file for the CLI (`-c`), which resolves it as a user's would. */
export function writeConfigFile(config: StreamlineConfig): string {
  mkdirSync(config.stateDir, { recursive: true });
  const file = join(config.stateDir, 'streamline.config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
