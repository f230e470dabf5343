import type { MongoClient } from 'mongodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StreamlineConfig } from '../config/index.js';
import type { ProduceRunOptions, ProduceSummary, ProgressState } from '../produce/index.js';
import { down, up, type RuntimeEvent, type ServiceName } from '../runtime/index.js';
import { countDocuments, DEAD_LETTERS } from '../sink/index.js';
import type { StreamingQuery } from '@streamline/spark-connect';
import type { RuntimePipeline } from '../pipeline/runtime.js';
import { recordNoun, type RecordNoun } from '../source/source-runtime.js';
import { queryReport, type QueryReport, type TopicBinding } from '../stream/index.js';
import { producePipeline } from './produce.js';
import { connectMongo, pipelineStreaming, startStreaming, stopStreaming } from './streaming.js';

/** The producer's options (count, duration, pace...) plus what the demo adds around them. */
export interface DemoOptions extends Omit<ProduceRunOptions, 'onProgress'> {
  /** How long to wait for the collections to catch up after the last record was produced. */
  catchUpTimeoutMs?: number;
  onRuntimeEvent?: (e: RuntimeEvent) => void;
  onStep?: (message: string) => void;
  onProgress?: (view: DemoProgress) => void;
  /** The local API started for the run (a randomUser source) is serving at this URL. */
  onApiReady?: (url: string) => void;
}

export interface DemoProgress {
  /** What the source's records are called: its own word where it has one (src/source/source-runtime.ts recordNoun). */
  noun: RecordNoun;
  /** Since the demo started (the producer's own clock stops when it is done). */
  elapsedMs: number;
  produced: ProgressState;
  queries: QueryReport[];
  documents: Record<string, number>;
}

export interface DemoRow {
  topic: string;
  collection: string;
  produced: number;
  documents: number;
}

export interface DemoResult {
  noun: RecordNoun;
  rows: DemoRow[];
  deadLetters: number;
  produce: ProduceSummary;
  /** Every collection holds exactly the records produced in this run. */
  consistent: boolean;
  interrupted: boolean;
  elapsedMs: number;
}

/** Polls queries and documents every few seconds while the producer runs, for `onProgress`. */
function progressTicker(opts: DemoOptions, noun: RecordNoun, t0: number, queries: StreamingQuery[], documents: () => Promise<Record<string, number>>) {
  let latest: ProgressState | undefined;
  let refreshing = false;
  const refresh = async () => {
    if (refreshing || !latest || !opts.onProgress) return;
    refreshing = true;
    try {
      const [reports, counts] = await Promise.all([Promise.all(queries.map(queryReport)), documents()]);
      opts.onProgress({ noun, elapsedMs: Date.now() - t0, produced: latest, queries: reports, documents: counts });
    } catch (e) {
      opts.onWarning?.(`progress: ${(e as Error).message}`);
    } finally {
      refreshing = false;
    }
  };
  const timer = setInterval(() => void refresh(), 3_000);
  return {
    update: (state: ProgressState) => (latest = state),
    refresh,
    stop: () => clearInterval(timer),
  };
}

/** Waits until every collection holds the records produced in this run, the deadline passes, or the run is aborted. */
async function catchUp(
  bindings: TopicBinding[],
  produced: ProduceSummary,
  documents: () => Promise<Record<string, number>>,
  { deadline, signal, onPoll }: { deadline: number; signal?: AbortSignal; onPoll: () => Promise<void> },
): Promise<Record<string, number>> {
  let counts = await documents();
  while (Date.now() < deadline && !signal?.aborted) {
    if (bindings.every((b) => (counts[b.collection] ?? 0) >= (produced.produced[b.topic] ?? 0))) break;
    await sleep(1_000, undefined, { signal }).catch(() => undefined);
    await onPoll();
    counts = await documents();
  }
  return counts;
}

function demoResult(noun: RecordNoun, bindings: TopicBinding[], produced: ProduceSummary, counts: Record<string, number>, t0: number, signal?: AbortSignal): DemoResult {
  const rows = bindings.map((b) => ({ topic: b.topic, collection: b.collection, produced: produced.produced[b.topic] ?? 0, documents: counts[b.collection] ?? 0 }));
  return {
    noun,
    rows,
    deadLetters: counts[bindings[0]?.deadLetters ?? DEAD_LETTERS] ?? 0,
    produce: produced,
    consistent: rows.every((r) => r.documents === r.produced),
    interrupted: signal?.aborted ?? false,
    elapsedMs: Date.now() - t0,
  };
}

/** Produces the pipeline's records while reporting the queries' progress and the documents of this run. */
async function produceWithProgress(config: StreamlineConfig, pipeline: RuntimePipeline, opts: DemoOptions, t0: number, queries: StreamingQuery[], documents: () => Promise<Record<string, number>>) {
  const { onProgress: _progress, onStep: step, onRuntimeEvent: _events, catchUpTimeoutMs: _catchUp, onApiReady, ...run } = opts;
  const noun = recordNoun(pipeline.pipeline.source);
  const ticker = progressTicker(opts, noun, t0, queries, documents);
  step?.(`producing ${noun.many}${opts.count ? ` (${opts.count})` : ''}${opts.durationMs ? ` for ${Math.round(opts.durationMs / 1000)} s` : ''}; Ctrl-C stops early`);
  try {
    const produced = await producePipeline(config, pipeline, {
      ...run,
      topics: pipeline.resolved.topics.map((t) => t.topic),
      batchSize: 25,
      onStart: ({ source, localApi }) => {
        // The local API is the randomUser source's: the demo has always named it so.
        step?.(localApi === undefined ? `reading ${source}` : `local Random User API on ${localApi}`);
        if (localApi !== undefined) onApiReady?.(localApi);
      },
      onProgress: ticker.update,
    });
    return { produced, refresh: ticker.refresh };
  } finally {
    ticker.stop();
  }
}

/**
 * The whole pipeline on the embedded services: start what is not running, start the streaming
 * queries, produce the source's records at random intervals (a randomUser source from the local API),
 * wait until MongoDB holds them, report, and stop everything this run started (services that were
 * already up stay up).
 */
export async function runDemo(base: StreamlineConfig, pipeline: RuntimePipeline, opts: DemoOptions = {}): Promise<DemoResult> {
  const t0 = Date.now();
  const step = opts.onStep ?? (() => undefined);
  const { config, bindings } = pipelineStreaming(base, pipeline.resolved);
  step('starting the services (Kafka, Spark Connect, FerretDB)...');
  const runtime = await up(config, { onEvent: opts.onRuntimeEvent });
  const startedServices: ServiceName[] = runtime.started.map((r) => r.name);
  let streaming = false;
  let mongo: MongoClient | undefined;
  try {
    step('creating topics and collections, starting the streaming queries...');
    const started = await startStreaming(config, bindings);
    streaming = true;
    for (const warning of started.storage?.warnings ?? []) opts.onWarning?.(warning);
    step(`streaming queries: ${started.queries.map((q) => q.name).join(', ')}`);
    mongo = await connectMongo(config);
    const database = mongo.db(config.mongo.database);
    const documents = () => countDocuments(database, bindings.map((b) => b.collection), pipeline.resolved.deadLetters, new Date(t0));

    const { produced, refresh } = await produceWithProgress(config, pipeline, opts, t0, started.queries, documents);
    step('waiting for the streaming queries to land every record in MongoDB...');
    const deadline = Date.now() + (opts.catchUpTimeoutMs ?? 180_000);
    const counts = await catchUp(bindings, produced, documents, { deadline, signal: opts.signal, onPoll: refresh });
    return demoResult(recordNoun(pipeline.pipeline.source), bindings, produced, counts, t0, opts.signal);
  } finally {
    step('stopping what this run started...');
    await mongo?.close().catch(() => undefined);
    if (streaming) await stopStreaming(config, bindings).catch((e) => opts.onWarning?.(`stopping the queries: ${(e as Error).message}`));
    if (startedServices.length) await down(config, { onEvent: opts.onRuntimeEvent, only: startedServices });
  }
}
