import { MongoClient } from 'mongodb';
import { kafkaBootstrap, mongoUri, type StreamlineConfig } from '../config/index.js';
import { produceUsers, systemClock, type IntervalSpec, type ProduceSummary, type ProgressState } from '../produce/index.js';
import { down, up, type RuntimeEvent, type ServiceName } from '../runtime/index.js';
import { DEAD_LETTERS } from '../sink/index.js';
import { startApiServer, type ApiServer } from '../source/index.js';
import { bindTopics, queryReport, type QueryReport } from '../stream/index.js';
import { startStreaming, stopStreaming } from './streaming.js';

export interface DemoOptions {
  durationMs?: number;
  count?: number;
  rate?: number;
  seed?: string;
  interval?: IntervalSpec;
  /** How long to wait for the collections to catch up after the last record was produced. */
  catchUpTimeoutMs?: number;
  signal?: AbortSignal;
  onRuntimeEvent?: (e: RuntimeEvent) => void;
  onStep?: (message: string) => void;
  onProgress?: (view: DemoProgress) => void;
  onWarning?: (message: string) => void;
  /** The local Random User API is serving at this URL. */
  onApiReady?: (url: string) => void;
}

export interface DemoProgress {
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
  rows: DemoRow[];
  deadLetters: number;
  produce: ProduceSummary;
  /** Every collection holds exactly the users produced in this run. */
  consistent: boolean;
  interrupted: boolean;
  elapsedMs: number;
}

async function startApi(config: StreamlineConfig): Promise<ApiServer> {
  try {
    return await startApiServer({ host: config.api.host, port: config.api.port });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    return startApiServer({ host: config.api.host, port: 0 });
  }
}

/**
 * The whole pipeline on the embedded services: start what is not running, serve the local API,
 * start the streaming queries, produce users at random intervals, wait until MongoDB holds them,
 * report, and stop everything this run started (services that were already up stay up).
 */
export async function runDemo(config: StreamlineConfig, opts: DemoOptions = {}): Promise<DemoResult> {
  const t0 = Date.now();
  const step = opts.onStep ?? (() => undefined);
  const runStartIso = new Date(t0).toISOString();
  const bindings = bindTopics(config.topics);
  step('starting the services (Kafka, Spark Connect, FerretDB)...');
  const runtime = await up(config, { onEvent: opts.onRuntimeEvent });
  const startedServices: ServiceName[] = runtime.started.map((r) => r.name);
  let api: ApiServer | undefined;
  let streaming = false;
  const mongo = new MongoClient(mongoUri(config));
  try {
    api = await startApi(config);
    step(`local Random User API on ${api.url}`);
    opts.onApiReady?.(api.url);
    step('creating topics and collections, starting the streaming queries...');
    const started = await startStreaming(config, bindings);
    streaming = true;
    for (const warning of started.storage.warnings) opts.onWarning?.(warning);
    step(`streaming queries: ${started.queries.map((q) => q.name).join(', ')}`);
    await mongo.connect();
    const db = mongo.db(config.mongo.database);
    const documentsThisRun = async () =>
      Object.fromEntries(
        await Promise.all(
          [...bindings.map((b) => b.collection), DEAD_LETTERS].map(
            async (c) => [c, await db.collection(c).countDocuments(c === DEAD_LETTERS ? { failed_at: { $gte: new Date(t0) } } : { produced_at: { $gte: runStartIso } })] as const,
          ),
        ),
      );

    let latest: ProgressState | undefined;
    let refreshing = false;
    const refresh = async () => {
      if (refreshing || !latest) return;
      refreshing = true;
      try {
        const [queries, documents] = await Promise.all([Promise.all(started.queries.map(queryReport)), documentsThisRun()]);
        opts.onProgress?.({ elapsedMs: Date.now() - t0, produced: latest, queries, documents });
      } catch (e) {
        opts.onWarning?.(`progress: ${(e as Error).message}`);
      } finally {
        refreshing = false;
      }
    };
    const ticker = setInterval(() => void refresh(), 3_000);
    step(`producing users${opts.count ? ` (${opts.count})` : ''}${opts.durationMs ? ` for ${Math.round(opts.durationMs / 1000)} s` : ''}; Ctrl-C stops early`);
    let produce: ProduceSummary;
    try {
      produce = await produceUsers({
        bootstrapServers: kafkaBootstrap(config),
        apiUrl: api.url,
        topics: bindings.map((b) => b.topic),
        topicSettings: { partitions: config.kafka.partitions, replicationFactor: config.kafka.replicationFactor, minInsyncReplicas: config.kafka.minInsyncReplicas },
        count: opts.count,
        durationMs: opts.durationMs,
        rate: opts.rate,
        seed: opts.seed,
        interval: opts.interval,
        batchSize: 25,
        signal: opts.signal,
        onWarning: opts.onWarning,
        onProgress: (state) => (latest = state),
      });
    } finally {
      clearInterval(ticker);
    }

    step('waiting for the streaming queries to land every record in MongoDB...');
    const expected = (topic: string) => produce.produced[topic] ?? 0;
    const deadline = Date.now() + (opts.catchUpTimeoutMs ?? 180_000);
    let documents = await documentsThisRun();
    while (Date.now() < deadline && !opts.signal?.aborted) {
      if (bindings.every((b) => (documents[b.collection] ?? 0) >= expected(b.topic))) break;
      await systemClock.sleep(1_000, opts.signal);
      await refresh();
      documents = await documentsThisRun();
    }
    const rows = bindings.map((b) => ({ topic: b.topic, collection: b.collection, produced: expected(b.topic), documents: documents[b.collection] ?? 0 }));
    return {
      rows,
      deadLetters: documents[DEAD_LETTERS] ?? 0,
      produce,
      consistent: rows.every((r) => r.documents === r.produced),
      interrupted: opts.signal?.aborted ?? false,
      elapsedMs: Date.now() - t0,
    };
  } finally {
    step('stopping what this run started...');
    await mongo.close().catch(() => undefined);
    if (streaming) await stopStreaming(config, bindings).catch((e) => opts.onWarning?.(`stopping the queries: ${(e as Error).message}`));
    await api?.close();
    if (startedServices.length) await down(config, { onEvent: opts.onRuntimeEvent, only: startedServices });
  }
}
