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
import { produceRecords, produceUsers, type ProduceRunOptions, type ProduceSummary } from '../produce/index.js';
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
  /** Where the run reads and whence it resumes, once the source is made. */
  onStart?: (run: { source: string; bootstrap: string; kafkaTopics: string[]; positionFile: string; resumed: boolean }) => void;
  onTopics?: (report: EnsureTopicsReport) => void;
}

/** Where a pipeline's source position is kept: `<stateDir>/<pipeline>/source-position.json`. */
const sourcePositionFile = (config: StreamlineConfig, pipeline: string): string => join(config.stateDir, pipeline, 'source-position.json');

/**
 * `streamline produce --pipeline <file>` for an httpJson or file source: the pipeline's records to its
 * topics through the generic producer, resuming where the last run's acknowledged records end (the
 * position file). The Random User pipeline keeps `produce` above (its local API, seed and topics config).
 */
export async function producePipeline(config: StreamlineConfig, loaded: LoadedPipeline, options: PipelineProduceOptions = {}): Promise<ProduceSummary> {
  const { pipeline, file } = loaded;
  const { source } = pipeline;
  if (source.kind === 'kafka') throw new UsageError(`pipeline ${pipeline.name} (${file}) reads topics fed by others: nothing to produce`);
  if (source.kind === 'randomuser') throw new UsageError(`pipeline ${pipeline.name} (${file}) has a randomUser() source: produce it without --pipeline (phase 3 of #23 joins the two)`);
  const problems = validatePipeline(pipeline);
  if (problems.some((p) => p.severity === 'error')) throw new PipelineInvalidError(file, problems);
  for (const warning of problems) options.onWarning?.(`${warning.path}: ${warning.message}`);
  const resolved = selectTopics(resolvePipeline(pipeline), { subset: options.topics ?? [], kafkaTopics: options.topicNames ?? {} }, file);
  const runtime = sourceRuntime(source, {
    baseDir: dirname(file),
    maxResponseBytes: config.api.maxResponseBytes,
    ...(options.batchSize === undefined ? {} : { pageSize: options.batchSize }),
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
  });
  const bootstrap = kafkaBootstrap(config);
  const positionFile = sourcePositionFile(config, pipeline.name);
  const kafkaTopics = resolved.topics.map((topic) => topic.kafkaTopic);
  options.onStart?.({ source: runtime.describe(), bootstrap, kafkaTopics, positionFile, resumed: existsSync(positionFile) });
  return usingService(config, 'kafka', () =>
    produceRecords({
      ...config.produce,
      ...options,
      rate: options.rate ?? config.produce.rate,
      batchSize: options.batchSize ?? 500,
      bootstrapServers: bootstrap,
      sasl: kafkaSasl(config),
      pipeline: resolved,
      source: runtime as Parameters<typeof produceRecords>[0]['source'],
      topicSettings: topicSettings(config),
      positionFile,
    }),
  );
}
