import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kafkaBootstrap, kafkaSasl, type StreamlineConfig } from '../config/index.js';
import { UsageError } from '../core/errors.js';
import type { PiiPolicy } from '../model/index.js';
import type { EnsureTopicsReport, TopicSettings } from '../kafka/index.js';
import type { LoadedPipeline } from '../pipeline/load.js';
import { runtimePipeline } from '../pipeline/runtime.js';
import { produceRecords, randomSeed, type ProduceRunOptions, type ProduceSummary } from '../produce/index.js';
import { sourceRuntime } from '../source/source-runtime.js';
import { startRunApi } from './api.js';
import { usingService } from './services.js';

export const topicSettings = (config: StreamlineConfig): TopicSettings => {
  const { partitions, replicationFactor, minInsyncReplicas } = config.kafka;
  return { partitions, replicationFactor, minInsyncReplicas };
};

export interface PipelineProduceOptions extends ProduceRunOptions {
  /** The topics to produce (`--topics`); absent: config `topics`; empty: all of the pipeline's. */
  topics?: readonly string[];
  /** Kafka names for some topics (`--publish-as`). */
  topicNames?: Readonly<Record<string, string>>;
  pii?: PiiPolicy;
  /** randomUser sources: nationalities to ask the API for (`--nat gb,ua`). */
  nat?: string;
  /**
   * Where the run reads and whence it resumes (no position file for a randomUser source: its seed changes per
   * run); `localApi`: the URL of the local API started for the run, if one was.
   */
  onStart?: (run: { source: string; bootstrap: string; kafkaTopics: string[]; positionFile?: string; resumed: boolean; localApi?: string }) => void;
  onTopics?: (report: EnsureTopicsReport) => void;
}

/** Where a pipeline's source position is kept: `<stateDir>/<pipeline>/source-position.json`. */
const sourcePositionFile = (config: StreamlineConfig, pipeline: string): string => join(config.stateDir, pipeline, 'source-position.json');

/**
 * `streamline produce` (and the demo's producer): the pipeline's records to its topics through the generic
 * producer, until the source ends, count, duration or abort. An httpJson or file source resumes where the last
 * run's acknowledged records end (the position file); a randomUser source reads the local API (started for the
 * run when neither the source nor api.url names one) by the run's seed, with the duplicate window.
 */
export async function producePipeline(config: StreamlineConfig, loaded: LoadedPipeline, options: PipelineProduceOptions = {}): Promise<ProduceSummary> {
  const { pipeline, file } = loaded;
  const { source } = pipeline;
  if (source.kind === 'kafka') throw new UsageError(`pipeline ${pipeline.name} (${file}) reads topics fed by others: nothing to produce`);
  const { resolved, warnings } = runtimePipeline(loaded, { subset: options.topics ?? config.topics, kafkaTopics: options.topicNames ?? {} });
  for (const warning of warnings) options.onWarning?.(`${warning.path}: ${warning.message}`);
  const randomUser = source.kind === 'randomuser';
  const localApi = randomUser && source.options.url === undefined && config.api.url === undefined ? await startRunApi(config) : undefined;
  try {
    const seed = options.seed ?? randomSeed();
    const batchSize = options.batchSize ?? (randomUser ? Math.min(500, options.count ?? 500) : 500);
    const runtime = sourceRuntime(randomUser && options.nat ? { ...source, options: { ...source.options, nat: options.nat.split(',') } } : source, {
      baseDir: dirname(file),
      maxResponseBytes: config.api.maxResponseBytes,
      seed,
      ...(randomUser ? { pageSize: batchSize } : options.batchSize === undefined ? {} : { pageSize: options.batchSize }),
      ...(localApi ?? config.api.url ? { defaultUrl: localApi?.url ?? (config.api.url as string) } : {}),
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    });
    const bootstrap = kafkaBootstrap(config);
    const positionFile = randomUser ? undefined : sourcePositionFile(config, pipeline.name);
    const kafkaTopics = resolved.topics.map((topic) => topic.kafkaTopic);
    options.onStart?.({ source: runtime.describe(), bootstrap, kafkaTopics, ...(positionFile === undefined ? {} : { positionFile }), resumed: positionFile !== undefined && existsSync(positionFile), ...(localApi ? { localApi: localApi.url } : {}) });
    return await usingService(config, 'kafka', () =>
      produceRecords({
        ...config.produce,
        ...options,
        seed,
        rate: options.rate ?? config.produce.rate,
        batchSize,
        bootstrapServers: bootstrap,
        sasl: kafkaSasl(config),
        pipeline: resolved,
        source: runtime as Parameters<typeof produceRecords>[0]['source'],
        topicSettings: topicSettings(config),
        dedupe: randomUser,
        ...(positionFile === undefined ? {} : { positionFile }),
      }),
    );
  } finally {
    await localApi?.close();
  }
}
