import { rmSync } from 'node:fs';
import type { StreamlineConfig } from '../src/config/index.js';
import { down, up, type RuntimeEvent } from '../src/runtime/index.js';
import { testRuntimeConfig } from '../test/support/runtime.js';

/** Port block of benchmark services (test tiers use offsets 0..799, see vitest.config.ts). */
export const BENCH_PORT_OFFSET = 800;

export interface BenchServices {
  config: StreamlineConfig;
  stop(): Promise<void>;
}

/**
 * Starts the runtime (single-node, or cluster mode) in a state dir of its own under .streamline/test,
 * from scratch: a benchmark must not inherit a previous run's topics, checkpoints or documents.
 */
export async function startBenchServices(name: string, opts: { cluster?: boolean; log: (line: string) => void }): Promise<BenchServices> {
  const config = testRuntimeConfig(`bench-${name}`, BENCH_PORT_OFFSET, { cluster: opts.cluster ?? false });
  await down(config);
  rmSync(config.stateDir, { recursive: true, force: true });
  const t0 = Date.now();
  const onEvent = (e: RuntimeEvent) => e.type === 'ready' && opts.log(`${e.service} ready after ${e.elapsedMs} ms`);
  try {
    await up(config, { onEvent });
  } catch (e) {
    // On a loaded shared machine a JVM can miss its start deadline once; a benchmark is worth a second try.
    opts.log(`services did not start (${(e as Error).message.split('\n')[0]}); trying once more`);
    await down(config);
    await up(config, { onEvent });
  }
  opts.log(`services ready in ${Date.now() - t0} ms`);
  return {
    config,
    async stop() {
      const result = await down(config);
      if (result.survivors.length) throw new Error(`benchmark services still alive: ${result.survivors.map((s) => `${s.name} pid ${s.pid}`).join(', ')}`);
    },
  };
}
