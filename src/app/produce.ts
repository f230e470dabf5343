import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kafkaBootstrap, kafkaSasl, type StreamlineConfig } from '../config/index.js';
import { UsageError } from '../core/errors.js';
import { isTopicName, type PiiPolicy, type TopicName } from '../model/index.js';
import type { EnsureTopicsReport, TopicSettings } from '../kafka/index.js';
import type { LoadedPipeline } from '../pipeline/load.js';
import { resolvePipeline } from '../pipeline/resolve.js';
import { selectTopics } from '../pipeline/select.js';
import { PipelineInvalidError, validatePipeline } from '../pipeline/validate.js';
import { produceRecords, produceUsers, randomSeed, type ProduceRunOptions, type ProduceSummary } from '../produce/index.js';
import { sourceRuntime } from '../source/source-runtime.js';
import { startRunApi } from './api.js';
import { usingService } from './services.js';

export interface ProduceOptions extends ProduceRunOptions {
  /** Canonical topics published under other Kafka topic names. */
  topicNames?: Partial<Record<TopicName, string>>;
  pii?: PiiPolicy;
  nat?: string;
  /** Where the run gets its users and sends them, once the local API (if any) is up. */
  onStart?: (run: { apiUrl: string; localApi: boolean; bootstrap: string; kafkaTopics: string[] }) => void;
  onTopics?: (report: EnsureTopicsReport) => void;
}

export const topicSettings = (config: StreamlineConfig): TopicSettings => {
  const { partitions, replicationFactor, minInsyncReplicas } = config.kafka;
  return { partitions, replicationFactor, minInsyncReplicas };
};

/**
 * `streamline produce`: users from the configured API (our local one, started for the run, when none is
 * configured) to the configured topics on Kafka, until count, duration or abort.
 */
export async function produce(config: StreamlineConfig, options: ProduceOptions = {}): Promise<ProduceSummary> {
  const localApi = config.api.url === undefined ? await startRunApi(config) : undefined;
  const apiUrl = localApi?.url ?? (config.api.url as string);
  const bootstrap = kafkaBootstrap(config);
  const kafkaTopics = config.topics.map((topic) => (isTopicName(topic) ? options.topicNames?.[topic] : undefined) ?? topic);
  options.onStart?.({ apiUrl, localApi: localApi !== undefined, bootstrap, kafkaTopics });
  try {
    return await usingService(config, 'kafka', () =>
      produceUsers({
        ...config.produce,
        ...options,
        // A rate given by the caller wins; otherwise the configured one (config, env STREAMLINE_PRODUCE_RATE).
        rate: options.rate ?? config.produce.rate,
        bootstrapServers: bootstrap,
        sasl: kafkaSasl(config),
        apiUrl,
        maxResponseBytes: config.api.maxResponseBytes,
        topics: config.topics,
        topicSettings: topicSettings(config),
      }),
    );
  } finally {
    await localApi?.close();
  }
}

export interface PipelineProduceOptions extends ProduceRunOptions {
  /** The topics to produce (`--topics`); empty or absent: all of the pipeline's. */
  topics?: readonly string[];
  /** Kafka names for some topics (`--publish-as`). */
  topicNames?: Readonly<Record<string, string>>;
  pii?: PiiPolicy;
  /** randomUser sources: nationalities to ask the API for (`--nat gb,ua`). */
  nat?: string;
  /** Where the run reads and whence it resumes (no position file for a randomUser source: its seed changes per run). */
  onStart?: (run: { source: string; bootstrap: string; kafkaTopics: string[]; positionFile?: string; resumed: boolean }) => void;
  onTopics?: (report: EnsureTopicsReport) => void;
}

/** Where a pipeline's source position is kept: `<stateDir>/<pipeline>/source-position.json`. */
const sourcePositionFile = (config: StreamlineConfig, pipeline: string): string => join(config.stateDir, pipeline, 'source-position.json');

/**
 * `streamline produce --pipeline <file>`: the pipeline's records to its topics through the generic
 * producer. An httpJson or file source resumes where the last run's acknowledged records end (the position
 * file); a randomUser source reads the local API (started for the run when neither the source nor api.url
 * names one) by the run's seed, with the duplicate window, as `produce` above does for the built-in pipeline.
 */
export async function producePipeline(config: StreamlineConfig, loaded: LoadedPipeline, options: PipelineProduceOptions = {}): Promise<ProduceSummary> {
  const { pipeline, file } = loaded;
  const { source } = pipeline;
  if (source.kind === 'kafka') throw new UsageError(`pipeline ${pipeline.name} (${file}) reads topics fed by others: nothing to produce`);
  const problems = validatePipeline(pipeline);
  if (problems.some((p) => p.severity === 'error')) throw new PipelineInvalidError(file, problems);
  for (const warning of problems) options.onWarning?.(`${warning.path}: ${warning.message}`);
  const resolved = selectTopics(resolvePipeline(pipeline), { subset: options.topics ?? [], kafkaTopics: options.topicNames ?? {} }, file);
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
    options.onStart?.({ source: runtime.describe(), bootstrap, kafkaTopics, ...(positionFile === undefined ? {} : { positionFile }), resumed: positionFile !== undefined && existsSync(positionFile) });
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
