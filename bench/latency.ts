import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { connectMongo, prepareStorage, startStreaming, stopStreaming } from '../src/app/streaming.js';
import type { StreamlineConfig } from '../src/config/index.js';
import { SINK_TASK_STARTED, sinkProperties, startConnectWorker } from './connect.js';
import { wholeSetting, type Benchmark, type Contender, type RunOptions, type Sample } from './harness.js';
import { requireBenchJars } from './jvm.js';
import { masterSetting, startBenchServices, type BenchServices } from './services.js';
import { percentile } from './stats.js';
import { dropDatabase } from '../harness/store.js';
import { benchBindings, produceInto, repetitionConfig, seededUsers, startBenchApi, streamSettings } from './support/workload.js';
import type { ApiServer } from '../src/source/index.js';
import type { TopicBinding } from '../src/stream/index.js';

/**
 * Benchmark 5 (issue 12): users produced at a steady rate (default 500/s, i.e. 2,000 records/s over
 * the four topics) for `seconds` (120, quick 15) while the queries run; produce-to-readable latency
 * measured by our own sampler at both ends: the producer stamps `produced_at` into every record (and
 * the pipeline stores it), the sampler polls the store by `_id` for every `sampleEvery`-th user and
 * takes the first time a document is readable. One contender per trigger (`triggers`, comma-separated;
 * default "1 second" and "250 milliseconds"). A trigger keeps up when every sampled document is
 * readable within `drainSeconds` (5) after the producer stopped. `writeTasks` and `maxOffsetsPerTrigger`
 * override the streaming settings (`--set`). The peer, Kafka Connect 4.1.1 with the MongoDB sink 2.0.1
 * (bench/connect.ts, `tasks` sink tasks, default 2), runs at the same rate with the same sampler, timed
 * once its sink tasks have started (`--set peer=0` leaves it out).
 */

interface Env {
  services: BenchServices;
  api: ApiServer;
}

const POLL_MS = 100;
const DEFAULT_TRIGGERS = ['1 second', '250 milliseconds'];
const PEER = 'Kafka Connect MongoDB sink';

interface Sampled {
  index: number;
  id: string;
  collection: string;
}

/** Polls the store for the sampled documents whose user should have been produced by now. */
async function sampleLatencies(mongo: MongoClient, database: string, sampled: Sampled[], opts: { rate: number; start: number; until: () => boolean; deadline: () => number }) {
  const latencies: number[] = [];
  const pending = [...sampled];
  while (pending.length && Date.now() < opts.deadline()) {
    const due = (Date.now() - opts.start) / 1000 * opts.rate + 500;
    const round = pending.filter((s) => s.index <= due);
    const found = await Promise.all(
      round.map(async (s) => {
        const doc = await mongo.db(database).collection<{ _id: string; produced_at?: string }>(s.collection).findOne({ _id: s.id }, { projection: { produced_at: 1 } });
        return doc ? { s, latency: Date.now() - Date.parse(String(doc.produced_at)) } : undefined;
      }),
    );
    for (const hit of found) {
      if (!hit) continue;
      latencies.push(hit.latency);
      pending.splice(pending.indexOf(hit.s), 1);
    }
    if (opts.until() && !pending.length) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { latencies, missing: pending.length };
}

const bench: Benchmark<Env> = {
  name: 'latency',
  description: 'produce-to-readable latency at a steady rate, per trigger (our sampler: produced_at stamp -> first readable by _id)',
  metrics: [
    { name: 'p99_ms', unit: 'ms', better: 'lower' },
    { name: 'p95_ms', unit: 'ms', better: 'lower' },
    { name: 'p50_ms', unit: 'ms', better: 'lower' },
    { name: 'max_ms', unit: 'ms', better: 'lower' },
    { name: 'kept_up', unit: '1 = yes', better: 'higher' },
    { name: 'samples', unit: 'documents', better: 'higher' },
  ],
  // The peer's p99 over ours: at least 1 when ours is lower (issue 20), for the default triggers.
  ratios: DEFAULT_TRIGGERS.map((trigger): [string, string, number, string] => [PEER, `trigger ${trigger}`, 1, 'p99_ms']),
  async setup(options) {
    const services = await startBenchServices('latency', { log: options.log, ...masterSetting(options) });
    return { services, api: await startBenchApi() };
  },
  async teardown(env) {
    await env.api.close();
    await env.services.stop();
  },
  contenders(env, options): Contender<Env>[] {
    const ours = (options.settings.triggers ?? DEFAULT_TRIGGERS.join(',')).split(',').map((t) => t.trim()).map((trigger) => streamingContender(env, options, trigger));
    return options.settings.peer === '0' ? ours : [...ours, connectContender(env, options)];
  },
};

interface Workload {
  rate: number;
  seconds: number;
  sampleEvery: number;
  drainMs: number;
}

const workloadOf = (options: RunOptions): Workload => ({
  rate: Number(options.settings.rate ?? 500),
  seconds: Number(options.settings.seconds ?? (options.quick ? 15 : 120)),
  sampleEvery: Number(options.settings.sampleEvery ?? 100),
  drainMs: Number(options.settings.drainSeconds ?? 5) * 1000,
});

/**
 * Produces `rate` users/s for `seconds` into `bindings` while sampling every `sampleEvery`-th user's
 * documents in `config`'s database: whatever moves them there (our queries, Kafka Connect) is running.
 */
async function measure(env: Env, options: RunOptions, config: StreamlineConfig, bindings: TopicBinding[], seed: string, w: Workload): Promise<Sample> {
  const users = w.rate * w.seconds;
  const ids = (await seededUsers(env.api, seed, users, 100)).map((u) => u.login.uuid);
  const sampled = ids.flatMap((id, index) => (index % w.sampleEvery === 0 ? bindings.map((b) => ({ index, id, collection: b.collection })) : []));
  const mongo = await connectMongo(config);
  try {
    let producedAt = Number.POSITIVE_INFINITY;
    const start = Date.now();
    const production = produceInto(config, env.api, bindings, { users, seed, rate: w.rate, batchSize: 100 }).finally(() => (producedAt = Date.now()));
    const sampling = sampleLatencies(mongo, config.mongo.database, sampled, {
      rate: w.rate,
      start,
      until: () => producedAt !== Number.POSITIVE_INFINITY,
      deadline: () => (producedAt === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : producedAt + Math.max(w.drainMs, 60_000)),
    });
    const [summary, result] = await Promise.all([production, sampling]);
    const achievedRate = users / ((producedAt - start) / 1000);
    const drained = result.missing === 0 && Math.max(...result.latencies) <= (producedAt - start) + w.drainMs;
    const late = result.latencies.filter((l) => l > w.drainMs).length;
    if (!result.latencies.length) throw new Error(`no sampled document became readable (${sampled.length} sampled)`);
    options.log(`produced ${JSON.stringify(summary.produced)} at ${achievedRate.toFixed(0)} users/s; ${result.latencies.length} samples, ${result.missing} never readable, ${late} later than ${w.drainMs} ms`);
    return {
      metrics: {
        p99_ms: percentile(result.latencies, 99),
        p95_ms: percentile(result.latencies, 95),
        p50_ms: percentile(result.latencies, 50),
        max_ms: Math.max(...result.latencies),
        kept_up: result.missing === 0 && late === 0 ? 1 : 0,
        samples: result.latencies.length,
      },
      notes: { rate: w.rate, achievedRate, seconds: w.seconds, missing: result.missing, late, drained },
    };
  } finally {
    await mongo.close();
  }
}

const streamingContender = (env: Env, options: RunOptions, trigger: string): Contender<Env> => ({
  name: `trigger ${trigger}`,
  async run(_env, rep) {
    const bindings: TopicBinding[] = benchBindings('latency');
    const config = repetitionConfig(env.services.config, 'latency', { ...streamSettings(options.settings), trigger });
    const started = await startStreaming(config, bindings);
    try {
      // Every query has run a (probably empty) first batch: start-up is not latency.
      for (const q of started.queries) while (!(await q.lastProgress())) await new Promise((resolve) => setTimeout(resolve, 200));
      const sample = await measure(env, options, config, bindings, `bench-latency-${rep.index}-${trigger}`, workloadOf(options));
      return { ...sample, notes: { ...sample.notes, trigger } };
    } finally {
      await stopStreaming(config, bindings).catch(() => undefined);
      started.spark.close();
      await dropDatabase(config).catch(() => undefined);
    }
  },
});

const connectContender = (env: Env, options: RunOptions): Contender<Env> => ({
  name: PEER,
  async run(_env, rep) {
    const bindings: TopicBinding[] = benchBindings('latency-peer');
    const config = repetitionConfig(env.services.config, 'latency_peer');
    requireBenchJars(config);
    // Topics and collections exist before the sink subscribes, as for our queries (startStreaming).
    await prepareStorage(config, bindings);
    const name = `latency-mongo-sink-${rep.index}-${Date.now()}`;
    const tasks = wholeSetting(options.settings, 'tasks', 2);
    const worker = await startConnectWorker(config, {
      dir: join(config.stateDir, 'connect', name),
      restPort: wholeSetting(options.settings, 'connect-port', config.kafka.port + 10),
      sink: sinkProperties(config, { name, database: config.mongo.database, bindings, tasks }),
    });
    try {
      // Start-up is not latency: the sink tasks have started before the first user is produced.
      await worker.waitForLine(SINK_TASK_STARTED, 300_000);
      const sample = await measure(env, options, config, bindings, `bench-latency-peer-${rep.index}`, workloadOf(options));
      return { ...sample, notes: { ...sample.notes, tasks } };
    } finally {
      await worker.stop();
      await dropDatabase(config).catch(() => undefined);
    }
  },
});

export default bench;
