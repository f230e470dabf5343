import { rmSync } from 'node:fs';
import type { StreamlineConfig } from '../src/config/index.js';
import { down, up } from '../src/runtime/index.js';
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
 * `only` starts a subset of the services (e.g. just Kafka).
 */
export async function startBenchServices(name: string, opts: { cluster?: boolean; only?: string[]; log: (line: string) => void }): Promise<BenchServices> {
  const config = testRuntimeConfig(`bench-${name}`, BENCH_PORT_OFFSET, { cluster: opts.cluster ?? false });
  await down(config);
  rmSync(config.stateDir, { recursive: true, force: true });
  const t0 = Date.now();
  // A shared, overloaded machine can keep a JVM from answering within the runtime's start timeout
  // (seen: Spark at a load of 40 on 2 cores): a benchmark then tries again from scratch, twice at most.
  for (let attempt = 1; ; attempt++) {
    try {
      await up(config, { only: opts.only, onEvent: (e) => e.type === 'ready' && opts.log(`${e.service} ready after ${e.elapsedMs} ms`) });
      break;
    } catch (e) {
      await down(config);
      if (attempt >= 3) throw e;
      opts.log(`services did not start (attempt ${attempt} of 3): ${(e as Error).message}; trying again`);
    }
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
