import type { Benchmark } from './harness.js';

/**
 * Every benchmark, by name, loaded on demand (each pulls in what it needs: Kafka, Spark, the store).
 * One line per benchmark: bench/<name>.ts default-exports a Benchmark.
 */
export const BENCHMARKS: Record<string, () => Promise<{ default: Benchmark<unknown> }>> = {
  'store-ceiling': () => import('./store-ceiling.js') as Promise<{ default: Benchmark<unknown> }>,
  produce: () => import('./produce.js') as Promise<{ default: Benchmark<unknown> }>,
  'produce-long': () => import('./produce-long.js') as Promise<{ default: Benchmark<unknown> }>,
  peer: () => import('./peer.js') as Promise<{ default: Benchmark<unknown> }>,
  pipeline: () => import('./pipeline.js') as Promise<{ default: Benchmark<unknown> }>,
  latency: () => import('./latency.js') as Promise<{ default: Benchmark<unknown> }>,
  footprint: () => import('./footprint.js') as Promise<{ default: Benchmark<unknown> }>,
};
