import { rmSync } from 'node:fs';
import type { StreamlineConfig } from '../src/config/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { down, localServices, up } from '../src/runtime/index.js';
import type { PortClaim } from '../src/runtime/spec.js';
import { PORT_BLOCKS } from '../harness/ports.js';
import { testRuntimeConfig } from '../harness/runtime.js';
import { requireFreePort } from './jvm.js';

export interface BenchServices {
  config: StreamlineConfig;
  stop(): Promise<void>;
}

/**
 * Starts the runtime (single-node, or cluster mode) in a state dir of its own under .streamline/test,
 * from scratch: a benchmark must not inherit a previous run's topics, checkpoints or documents.
 * `only` starts a subset of the services (e.g. just Kafka).
 */
export async function startBenchServices(name: string, opts: { cluster?: boolean; only?: string[]; sparkMaster?: string; log: (line: string) => void }): Promise<BenchServices> {
  // The CI smoke shifts its block (and state dir) so it can run while a real benchmark does.
  const shift = Number(process.env.STREAMLINE_BENCH_PORT_SHIFT ?? 0);
  const { size } = PORT_BLOCKS.bench;
  if (!Number.isInteger(shift) || shift < 0 || shift >= size) throw new Error(`STREAMLINE_BENCH_PORT_SHIFT must be a whole number within 0..${size - 1} (harness/ports.ts), got ${process.env.STREAMLINE_BENCH_PORT_SHIFT}`);
  const runtime = testRuntimeConfig(shift ? `bench-${name}-shift${shift}` : `bench-${name}`, 'bench', { cluster: opts.cluster ?? false, shift });
  // `--set master=local[4]`: more task slots than cores, for writers that mostly wait on the store.
  const config = opts.sparkMaster ? { ...runtime, spark: { ...runtime.spark, master: opts.sparkMaster } } : runtime;
  await down(config);
  rmSync(config.stateDir, { recursive: true, force: true });
  const t0 = Date.now();
  // One role at a time (the brokers of a cluster together: one alone has no quorum and never gets
  // ready), each with up to three attempts: on a shared, overloaded machine a JVM can miss the runtime's
  // start timeout (seen: Spark at a load of 40 on 2 cores), and `up` stops every service it started
  // when one fails, so starting everything together would start it all again.
  const specs = localServices(config).filter((s) => !opts.only || opts.only.includes(s.name));
  const roles = [...new Set(specs.map((s) => s.role))];
  for (const role of roles) {
    const group = specs.filter((s) => s.role === role);
    const names = group.map((s) => s.name);
    for (let attempt = 1; ; attempt++) {
      try {
        await up(config, { only: names, onEvent: (e) => e.type === 'ready' && opts.log(`${e.service} ready after ${e.elapsedMs} ms`) });
        break;
      } catch (e) {
        if (attempt >= 3) {
          await down(config);
          throw e;
        }
        opts.log(`${names.join(', ')} did not start (attempt ${attempt} of 3): ${(e as Error).message}; trying again`);
        await portsFree(group.flatMap((s) => s.ports), 60_000);
      }
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

/** Waits (polling, with a deadline) until a failed service's ports are free again. */
async function portsFree(ports: readonly PortClaim[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await Promise.all(ports.map((p) => requireFreePort(p.host, p.port, p.purpose).then(() => false, () => true)));
    if (!busy.includes(true) || Date.now() > deadline) return;
    await sleep(500);
  }
}

/** `--set master=local[N]`: the single-node Spark master for this run (default: the runtime's, local[2]). */
export const masterSetting = (options: { settings: Readonly<Record<string, string>> }): { sparkMaster?: string } =>
  options.settings.master ? { sparkMaster: options.settings.master } : {};
