import type { MongoClient } from 'mongodb';
import { connectMongo, startStreaming, stopStreaming } from '../src/app/streaming.js';
import type { Benchmark, Contender } from './harness.js';
import { startBenchServices, type BenchServices } from './services.js';
import { percentile } from './stats.js';
import { dropDatabase } from '../test/support/store.js';
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
 * override the streaming settings (`--set`).
 */

interface Env {
  services: BenchServices;
  api: ApiServer;
}

const POLL_MS = 100;

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
  async setup(options) {
    const services = await startBenchServices('latency', { log: options.log });
    return { services, api: await startBenchApi() };
  },
  async teardown(env) {
    await env.api.close();
    await env.services.stop();
  },
  contenders(env, options): Contender<Env>[] {
    const rate = Number(options.settings.rate ?? 500);
    const seconds = Number(options.settings.seconds ?? (options.quick ? 15 : 120));
    const sampleEvery = Number(options.settings.sampleEvery ?? 100);
    const drainMs = Number(options.settings.drainSeconds ?? 5) * 1000;
    const triggers = (options.settings.triggers ?? '1 second,250 milliseconds').split(',').map((t) => t.trim());
    return triggers.map((trigger) => ({
      name: `trigger ${trigger}`,
      async run(_env, rep) {
        const users = rate * seconds;
        const seed = `bench-latency-${rep.index}-${trigger}`;
        const bindings: TopicBinding[] = benchBindings('latency');
        const config = repetitionConfig(env.services.config, 'latency', { ...streamSettings(options.settings), trigger });
        const ids = (await seededUsers(env.api, seed, users, 100)).map((u) => u.login.uuid);
        const sampled = ids.flatMap((id, index) => (index % sampleEvery === 0 ? bindings.map((b) => ({ index, id, collection: b.collection })) : []));
        const started = await startStreaming(config, bindings);
        const mongo = await connectMongo(config);
        try {
          // Every query has run a (probably empty) first batch: start-up is not latency.
          for (const q of started.queries) while (!(await q.lastProgress())) await new Promise((resolve) => setTimeout(resolve, 200));
          let producedAt = Number.POSITIVE_INFINITY;
          const start = Date.now();
          const production = produceInto(config, env.api, bindings, { users, seed, rate, batchSize: 100 }).finally(() => (producedAt = Date.now()));
          const sampling = sampleLatencies(mongo, config.mongo.database, sampled, {
            rate,
            start,
            until: () => producedAt !== Number.POSITIVE_INFINITY,
            deadline: () => (producedAt === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : producedAt + Math.max(drainMs, 60_000)),
          });
          const [summary, result] = await Promise.all([production, sampling]);
          const achievedRate = users / ((producedAt - start) / 1000);
          const drained = result.missing === 0 && Math.max(...result.latencies) <= (producedAt - start) + drainMs;
          const late = result.latencies.filter((l) => l > drainMs).length;
          if (!result.latencies.length) throw new Error(`no sampled document became readable (${sampled.length} sampled)`);
          options.log(`produced ${JSON.stringify(summary.produced)} at ${achievedRate.toFixed(0)} users/s; ${result.latencies.length} samples, ${result.missing} never readable, ${late} later than ${drainMs} ms`);
          return {
            metrics: {
              p99_ms: percentile(result.latencies, 99),
              p95_ms: percentile(result.latencies, 95),
              p50_ms: percentile(result.latencies, 50),
              max_ms: Math.max(...result.latencies),
              kept_up: result.missing === 0 && late === 0 ? 1 : 0,
              samples: result.latencies.length,
            },
            notes: { trigger, rate, achievedRate, seconds, missing: result.missing, late, drained },
          };
        } finally {
          await stopStreaming(config, bindings).catch(() => undefined);
          started.spark.close();
          await mongo.close();
          await dropDatabase(config).catch(() => undefined);
        }
      },
    }));
  },
};

export default bench;
