import { down, up } from '../src/runtime/index.js';
import type { Benchmark, Contender, Sample } from './harness.js';
import { watchedProcesses } from './pipeline.js';
import { startBenchServices, type BenchServices } from './services.js';
import { footprintMetrics, sampleFootprint } from './support/footprint.js';
import { benchBindings, produceInto, repetitionConfig, runPipelineUntil, startBenchApi } from './support/workload.js';

/**
 * Benchmark 6 (issue 12): what the single-node stack costs. `up cold`: `streamline up` from a fresh
 * state dir to every service healthy; `up warm`: stop, then `up` again on the same state dir (Kafka
 * log, FerretDB data and Spark's dirs kept; jars are always warm, setup put them there). `under load`:
 * peak RSS and CPU seconds per service (process trees from /proc) while the streaming queries land
 * `users` preloaded users (default 5000, quick 500). The services run one after the other: the
 * contenders share the bench port block, never two stacks at once.
 */

type Env = Record<string, never>;

const footprintMetricsList = ['kafka', 'spark', 'ferretdb', 'node'].flatMap((s) => [
  { name: `${s}_rss_mb`, unit: 'MB', better: 'lower' as const },
  { name: `${s}_cpu_s`, unit: 'cpu s', better: 'lower' as const },
]);

async function timeUp(services: BenchServices, log: (line: string) => void): Promise<Sample> {
  await down(services.config);
  const footprint = sampleFootprint({ node: process.pid }, 250);
  const t0 = Date.now();
  const ready: Record<string, number> = {};
  await up(services.config, { onEvent: (e) => e.type === 'ready' && (ready[`${e.service}_ready_s`] = e.elapsedMs / 1000) });
  const seconds = (Date.now() - t0) / 1000;
  footprint.stop();
  const used = footprintMetrics(sampleFootprint(watchedProcesses(services)).stop());
  log(`up in ${seconds.toFixed(1)} s: ${JSON.stringify(ready)}`);
  return { metrics: { up_s: seconds, ...ready, total_rss_mb: used.total_rss_mb! } };
}

const bench: Benchmark<Env> = {
  name: 'footprint',
  description: 'single-node stack: `up` to healthy (cold, warm) and peak RSS / CPU seconds per service under the pipeline load',
  metrics: [
    { name: 'up_s', unit: 's', better: 'lower' },
    { name: 'total_rss_mb', unit: 'MB', better: 'lower' },
    { name: 'total_cpu_s', unit: 'cpu s', better: 'lower' },
    ...footprintMetricsList,
    { name: 'records_per_s', unit: 'records/s', better: 'higher' },
  ],
  async setup() {
    return {};
  },
  contenders(_env, options): Contender<Env>[] {
    const users = Number(options.settings.users ?? (options.quick ? 500 : 5000));
    return [
      {
        name: 'up cold',
        async run() {
          // startBenchServices is `down`, a fresh state dir, then `up`: time the whole of it again here.
          const t0 = Date.now();
          const services = await startBenchServices('footprint', { log: options.log });
          const seconds = (Date.now() - t0) / 1000;
          const used = footprintMetrics(sampleFootprint(watchedProcesses(services)).stop());
          await services.stop();
          return { metrics: { up_s: seconds, total_rss_mb: used.total_rss_mb! } };
        },
      },
      {
        name: 'up warm',
        async run() {
          const services = await startBenchServices('footprint', { log: () => undefined });
          try {
            return await timeUp(services, options.log);
          } finally {
            await services.stop();
          }
        },
      },
      {
        name: 'under load',
        async run() {
          const services = await startBenchServices('footprint', { log: options.log });
          const api = await startBenchApi();
          try {
            const bindings = benchBindings('footprint');
            await produceInto(services.config, api, bindings, { users, seed: 'bench-footprint' });
            const config = repetitionConfig(services.config, 'footprint');
            const footprint = sampleFootprint(watchedProcesses(services));
            const run = await runPipelineUntil(config, bindings, users, { timeoutMs: 1_800_000, signal: options.signal });
            return { metrics: { ...footprintMetrics(footprint.stop()), records_per_s: (users * bindings.length) / run.seconds } };
          } finally {
            await api.close();
            await services.stop();
          }
        },
      },
    ];
  },
};

export default bench;
