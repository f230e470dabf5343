import { join } from 'node:path';
import type { AnyBulkWriteOperation, Document, MongoClient } from 'mongodb';
import type { StreamingQuery, StreamingQueryProgress } from '@streamline/spark-connect';
import { connectMongo, countCollections, prepareStorage, startStreaming, stopStreaming } from '../../src/app/streaming.js';
import type { StreamlineConfig } from '../../src/config/index.js';
import { producePipeline } from '../../src/app/produce.js';
import type { RandomUserRecord } from '../../src/source/index.js';
import type { ProduceSummary } from '../../src/produce/index.js';
import { fetchUsers, startApiServer, type ApiServer } from '../../src/source/index.js';
import { pipelineQueryPlan, type TopicBinding } from '../../src/stream/index.js';
import { BUILTIN, builtinBindings, builtinEnvelope } from '../../harness/builtin-pipeline.js';
import { wholeSetting } from '../harness.js';

/**
 * What the pipeline benchmarks share: unique topics per run (preloaded or fed live), a fresh database
 * and checkpoint dir per repetition, the documents the pipeline would write (for the store ceiling),
 * and Spark's own account of where a micro-batch's time went (durationMs per phase).
 */

const API_NOW = new Date('2025-06-01T12:00:00.000Z');
const suffix = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export function benchBindings(label: string): TopicBinding[] {
  const run = suffix();
  return builtinBindings().map((b) => ({ ...b, topic: `bench.${label}.${run}.${b.schema.topic}` }));
}

const topicNamesOf = (bindings: TopicBinding[]): Record<string, string> => Object.fromEntries(bindings.map((b) => [b.schema.topic, b.topic]));

export function startBenchApi(): Promise<ApiServer> {
  return startApiServer({ host: '127.0.0.1', port: 0, now: () => API_NOW });
}

/** Publishes `users` records of the built-in pipeline (one per topic each) with our producer, as `streamline produce` does. */
export function produceInto(config: StreamlineConfig, api: ApiServer, bindings: TopicBinding[], opts: { users: number; seed: string; rate?: number; batchSize?: number }): Promise<ProduceSummary> {
  return producePipeline({ ...config, api: { ...config.api, url: api.url } }, BUILTIN, {
    topics: bindings.map((b) => b.schema.topic),
    topicNames: topicNamesOf(bindings),
    count: opts.users,
    seed: opts.seed,
    batchSize: opts.batchSize ?? 500,
    ...(opts.rate ? { rate: opts.rate } : {}),
    onWarning: (message) => {
      throw new Error(`producer warning: ${message}`);
    },
  });
}

/** The users a seeded run publishes, in order (the API answers the same seed and page with the same users). */
export async function seededUsers(api: ApiServer, seed: string, count: number, batchSize = 500): Promise<RandomUserRecord[]> {
  const users: RandomUserRecord[] = [];
  for (let page = 1; users.length < count; page++) {
    const result = await fetchUsers({ apiUrl: api.url, results: Math.min(batchSize, count - users.length), seed, page });
    users.push(...result.users);
  }
  return users;
}

/** The document the ingest query stores for one user of one topic (same fields, same types). */
export function storedDocument(binding: TopicBinding, user: RandomUserRecord, offset: number): Document {
  const now = new Date();
  const envelope = builtinEnvelope(binding.schema.topic, user, { source: 'randomuser:bench', fetchedAt: now, producedAt: now }) as { id: string; data: Record<string, unknown> };
  const { data, id, ...meta } = envelope;
  return { _id: id, ...data, kafka: { topic: binding.topic, partition: 0, offset, timestamp: now }, ingested_at: now, ...meta };
}

/** A config for one repetition: its own database and checkpoints on the shared services. */
export function repetitionConfig(base: StreamlineConfig, label: string, stream: Partial<StreamlineConfig['stream']> = {}): StreamlineConfig {
  const database = `bench_${label}_${suffix()}`;
  return {
    ...base,
    mongo: { ...base.mongo, database },
    stream: { ...base.stream, ...stream, checkpointDir: join(base.stateDir, 'bench-checkpoints', database) },
  };
}

function queryLayout(value: string): StreamlineConfig['stream']['queries'] {
  if (value === 'per-topic' || value === 'one') return value;
  throw new Error(`--set queries must be per-topic or one, got ${value}`);
}

/** The streaming settings a benchmark run may override: `--set trigger=... maxOffsetsPerTrigger=N writeTasks=N queries=per-topic|one`. */
export function streamSettings(settings: Readonly<Record<string, string>>): Partial<StreamlineConfig['stream']> {
  return {
    ...(settings.trigger ? { trigger: settings.trigger } : {}),
    ...(settings.maxOffsetsPerTrigger ? { maxOffsetsPerTrigger: wholeSetting(settings, 'maxOffsetsPerTrigger', 1) } : {}),
    ...(settings.writeTasks ? { writeTasks: wholeSetting(settings, 'writeTasks', 0, 0) } : {}),
    ...(settings.queries ? { queries: queryLayout(settings.queries) } : {}),
  };
}

/** Upserts documents by `_id` in unordered bulks of `batchSize`, `parallel` bulks at a time. */
export async function upsertAll(mongo: MongoClient, database: string, collection: string, docs: Document[], batchSize: number, parallel: number): Promise<void> {
  const coll = mongo.db(database).collection(collection);
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const batch = docs.slice(next, next + batchSize);
      next += batchSize;
      const ops: AnyBulkWriteOperation[] = batch.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }));
      await coll.bulkWrite(ops, { ordered: false });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** Spark's micro-batch time per phase (ms, summed over batches with rows), per query and in total. */
export type PhaseTotals = Record<string, number>;

/** Collects every progress report of the running queries (recentProgress keeps only the last 100). */
function collectProgress(queries: StreamingQuery[], everyMs = 5_000): { stop(): Promise<StreamingQueryProgress[]> } {
  const seen = new Map<string, StreamingQueryProgress>();
  const poll = async () => {
    const lists = await Promise.all(queries.map((q) => q.recentProgress().catch(() => [])));
    for (const p of lists.flat()) seen.set(`${p.id}/${p.batchId}`, p);
  };
  const timer = setInterval(() => void poll(), everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await poll();
      return [...seen.values()];
    },
  };
}

/** Summed durationMs per phase over batches that read rows, plus batch counts and the rows read. */
export function phaseTotals(progress: StreamingQueryProgress[]): PhaseTotals {
  const totals: PhaseTotals = { batches: 0, idle_batches: 0, rows: 0 };
  for (const p of progress) {
    if ((p.numInputRows ?? 0) === 0) {
      totals.idle_batches! += 1;
      continue;
    }
    totals.batches! += 1;
    totals.rows! += p.numInputRows;
    for (const [phase, ms] of Object.entries(p.durationMs ?? {})) totals[phase] = (totals[phase] ?? 0) + ms;
  }
  return totals;
}

/** Per query name: its phase totals. */
export function phasesByQuery(progress: StreamingQueryProgress[]): Record<string, PhaseTotals> {
  const names = [...new Set(progress.map((p) => p.name ?? p.id))];
  return Object.fromEntries(names.map((name) => [name, phaseTotals(progress.filter((p) => (p.name ?? p.id) === name))]));
}

export interface PipelineRun {
  seconds: number;
  counts: Record<string, number>;
  progress: StreamingQueryProgress[];
}

/** Records up to which a query has committed (sum over its sources' end offsets), from its last progress. */
async function committedRecords(query: StreamingQuery): Promise<number> {
  const last = await query.lastProgress();
  let sum = 0;
  for (const source of last?.sources ?? []) {
    const end = typeof source.endOffset === 'string' ? (JSON.parse(source.endOffset) as unknown) : source.endOffset;
    for (const partitions of Object.values((end ?? {}) as Record<string, Record<string, number>>)) for (const offset of Object.values(partitions)) sum += offset;
  }
  return sum;
}

/**
 * Starts the streaming queries on `config` (topics and collections prepared first, outside the
 * timing), waits until every collection holds `expected` documents, stops the queries. Progress is
 * watched on Spark (a query reports a batch once its write is done), not by counting documents: a
 * count on FerretDB reads the whole collection, and polling it would load the store being measured.
 * The counts are checked once Spark says everything is written.
 */
export async function runPipelineUntil(config: StreamlineConfig, bindings: TopicBinding[], expected: number, opts: { timeoutMs: number; signal: AbortSignal; onStarted?: () => void }): Promise<PipelineRun> {
  await prepareStorage(config, bindings);
  const mongo = await connectMongo(config);
  const t0 = Date.now();
  const started = await startStreaming(config, bindings);
  opts.onStarted?.();
  const progress = collectProgress(started.queries);
  // Each query commits `expected` records per topic it reads (pipelineQueryPlan: one topic, or all of them).
  const topicsOf = new Map(pipelineQueryPlan(bindings, config.stream.queries).map((q) => [q.name, q.bindings.length]));
  const ingest = started.queries.filter((q) => q.name !== null && topicsOf.has(q.name));
  try {
    const db = mongo.db(config.mongo.database);
    for (;;) {
      opts.signal.throwIfAborted();
      const committed = await Promise.all(ingest.map(committedRecords));
      if (committed.every((n, i) => n >= expected * (topicsOf.get(ingest[i]?.name ?? '') ?? 1))) {
        const seconds = (Date.now() - t0) / 1000;
        const counts = Object.fromEntries((await countCollections(db, bindings)).map((c) => [c.collection, c.documents]));
        if (bindings.some((b) => counts[b.collection] !== expected)) throw new Error(`Spark committed every record but the store holds ${JSON.stringify(counts)}, expected ${expected} per collection`);
        return { seconds, counts, progress: await progress.stop() };
      }
      if (Date.now() - t0 > opts.timeoutMs) throw new Error(`pipeline did not commit ${expected} records per topic within ${opts.timeoutMs} ms: ${committed.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await progress.stop();
    await stopStreaming(config, bindings).catch(() => undefined);
    started.spark.close();
    await mongo.close();
  }
}
