import type { Document } from 'mongodb';
import { connectMongo, prepareStorage } from '../src/app/streaming.js';
import { readRecord } from '../src/runtime/index.js';
import type { TopicBinding } from '../src/stream/index.js';
import type { Benchmark, Contender, RunOptions } from './harness.js';
import { masterSetting, startBenchServices, type BenchServices } from './services.js';
import { dropDatabase } from '../harness/store.js';
import { footprintMetrics, sampleFootprint } from './support/footprint.js';
import {
  benchBindings,
  phasesByQuery,
  phaseTotals,
  produceInto,
  repetitionConfig,
  runPipelineUntil,
  seededUsers,
  startBenchApi,
  storedDocument,
  streamSettings,
  upsertAll,
} from './support/workload.js';

/**
 * Benchmark 3 (issue 12): N users preloaded into the four topics (4N records), then the streaming
 * queries started on a fresh database and checkpoints; timed from start to every document stored.
 * The reference is the store's ceiling measured in the same run: the same documents upserted by `_id`
 * straight into the same store with the node driver (unordered bulks, `ceilingBatch` x `ceilingParallel`).
 *
 * Settings: users (default 20000, quick 500), mode=single|cluster, trigger ("1 second"),
 * maxOffsetsPerTrigger, writeTasks, ceilingBatch (500), ceilingParallel (1 per collection: 2 hit SQLITE_BUSY at load 50).
 * Each pipeline sample also carries Spark's durationMs per phase and the services' footprint.
 */

interface Env {
  services: BenchServices;
  bindings: TopicBinding[];
  users: number;
  documents: Map<string, Document[]>;
}

const setting = (options: RunOptions, key: string, fallback: string) => options.settings[key] ?? fallback;

/** The service processes to watch: the runtime's records plus this process (producer, sampler, driver client). */
export function watchedProcesses(services: BenchServices): Record<string, number> {
  const names = services.config.cluster.enabled ? ['kafka-1', 'kafka-2', 'kafka-3', 'spark-master', 'spark-worker-1', 'spark-worker-2', 'spark', 'ferretdb'] : ['kafka', 'spark', 'ferretdb'];
  const roots: Record<string, number> = {};
  for (const name of names) {
    const record = readRecord(services.config, name);
    if (record) roots[name.replace(/-/g, '_')] = record.pid;
  }
  return { ...roots, node: process.pid };
}

const bench: Benchmark<Env> = {
  name: 'pipeline',
  description: 'preloaded topics -> streaming queries -> store, records/s (vs the store ceiling in the same run)',
  metrics: [
    { name: 'records_per_s', unit: 'records/s', better: 'higher' },
    { name: 'seconds', unit: 's', better: 'lower' },
    { name: 'total_rss_mb', unit: 'MB', better: 'lower' },
    { name: 'total_cpu_s', unit: 'cpu s', better: 'lower' },
    { name: 'spark_cpu_s', unit: 'cpu s', better: 'lower' },
    { name: 'ferretdb_cpu_s', unit: 'cpu s', better: 'lower' },
  ],
  async setup(options) {
    const users = Number(setting(options, 'users', options.quick ? '500' : '20000'));
    const cluster = setting(options, 'mode', 'single') === 'cluster';
    const services = await startBenchServices(cluster ? 'pipeline-cluster' : 'pipeline', { cluster, log: options.log, ...(cluster ? {} : masterSetting(options)) });
    const api = await startBenchApi();
    try {
      const bindings = benchBindings('pipeline');
      const seed = 'bench-pipeline';
      const t0 = Date.now();
      const summary = await produceInto(services.config, api, bindings, { users, seed });
      options.log(`preloaded ${users} users (${users * bindings.length} records) in ${Date.now() - t0} ms: ${JSON.stringify(summary.produced)}`);
      const seeded = await seededUsers(api, seed, users);
      const documents = new Map(bindings.map((b) => [b.collection, seeded.map((u, i) => storedDocument(b, u, i))]));
      return { services, bindings, users, documents };
    } catch (e) {
      await services.stop();
      throw e;
    } finally {
      await api.close();
    }
  },
  async teardown(env) {
    await env.services.stop();
  },
  contenders(env, options): Contender<Env>[] {
    const records = env.users * env.bindings.length;
    const stream = streamSettings(options.settings);
    const pipeline: Contender<Env> = {
      name: 'pipeline',
      async run() {
        const config = repetitionConfig(env.services.config, 'pipeline', stream);
        const footprint = sampleFootprint(watchedProcesses(env.services));
        try {
          const run = await runPipelineUntil(config, env.bindings, env.users, { timeoutMs: 1_800_000, signal: options.signal });
          const used = footprintMetrics(footprint.stop());
          const phases = phaseTotals(run.progress);
          options.log(`spark phases (ms, summed over batches with rows): ${JSON.stringify(phases)}`);
          return {
            metrics: { records_per_s: records / run.seconds, seconds: run.seconds, ...used },
            notes: { counts: run.counts, phases, phasesByQuery: phasesByQuery(run.progress), stream: config.stream },
          };
        } finally {
          footprint.stop();
          await dropDatabase(config).catch(() => undefined);
        }
      },
    };
    const ceiling: Contender<Env> = {
      name: 'store-ceiling',
      async run() {
        const config = repetitionConfig(env.services.config, 'ceiling');
        const batch = Number(setting(options, 'ceilingBatch', '500'));
        const parallel = Number(setting(options, 'ceilingParallel', '1'));
        await prepareStorage(config, env.bindings);
        const mongo = await connectMongo(config);
        const footprint = sampleFootprint(watchedProcesses(env.services));
        try {
          const t0 = Date.now();
          await Promise.all(env.bindings.map((b) => upsertAll(mongo, config.mongo.database, b.collection, env.documents.get(b.collection)!, batch, parallel)));
          const seconds = (Date.now() - t0) / 1000;
          const stored = await Promise.all(env.bindings.map((b) => mongo.db(config.mongo.database).collection(b.collection).countDocuments()));
          if (stored.some((n) => n !== env.users)) throw new Error(`store ceiling stored ${stored.join(', ')} documents, expected ${env.users} each`);
          return { metrics: { records_per_s: records / seconds, seconds, ...footprintMetrics(footprint.stop()) }, notes: { batch, parallel, collectionsInParallel: env.bindings.length } };
        } finally {
          footprint.stop();
          await mongo.close();
          await dropDatabase(config).catch(() => undefined);
        }
      },
    };
    return [pipeline, ceiling];
  },
  ratios: [['pipeline', 'store-ceiling', 0.85]],
};

export default bench;
