import type { KafkaSasl } from '../config/index.js';
import { buildEnvelope, isTopicName, resolveTopics, type NormalizedUser, type PiiPolicy, type TopicName } from '../model/index.js';
import type { EnsureTopicsReport, TopicSettings } from '../kafka/index.js';
import { BUILTIN_PIPELINE, loadPipeline } from '../pipeline/load.js';
import { resolvePipeline, type ResolvedPipeline, type ResolvedPipelineTopic } from '../pipeline/resolve.js';
import { selectTopics } from '../pipeline/select.js';
import { randomUser } from '../pipeline/sources.js';
import { randomUserRuntime } from '../source/randomuser/runtime.js';
import { jsonMessage, type TopicRoute } from './message.js';
import type { ProduceRunOptions } from './options.js';
import type { ProduceSummary } from './progress.js';
import { randomSeed } from './random.js';
import { produceRecords } from './records.js';

/** Everything `streamline produce`, the demo and the Airflow DAG need to publish users. */
export interface ProduceUsersOptions extends ProduceRunOptions {
  bootstrapServers: string;
  /** SASL/SCRAM credentials for the admin and the producer (config kafka.sasl). */
  sasl?: KafkaSasl;
  apiUrl: string;
  /** Canonical topics (each has a projection): users.profile, users.location, users.contact, users.account. */
  topics: readonly string[];
  /**
   * The Kafka topic a canonical topic is published to, when it is not the canonical name (unique names
   * in tests, per-environment names). The projection still follows the canonical topic; the summary
   * and progress are keyed by the Kafka names.
   */
  topicNames?: Partial<Record<TopicName, string>>;
  topicSettings: TopicSettings;
  pii?: PiiPolicy;
  nat?: string;
  onTopics?: (report: EnsureTopicsReport) => void;
  /** How long Kafka may stay away before the records it holds are given up on (ms). Default 120000. */
  deliveryTimeoutMs?: number;
  /** The most records held unacknowledged (fetching waits above it). Default 10000. */
  maxPendingRecords?: number;
  /** Produce requests in flight at once (one idempotent producer each). Default 2. */
  inFlightRequests?: number;
  /** The most bytes of one API response read (config api.maxResponseBytes). Default 16 MiB. */
  maxResponseBytes?: number;
  /** The duplicate window (config produce.dedupeWindowUsers / dedupeWindowMs). */
  dedupeWindowUsers?: number;
  dedupeWindowMs?: number;
}

/** Where a record came from, in the envelope: the API's host, so local and real runs are told apart. */
const sourceName = (apiUrl: string): string => {
  try {
    return `randomuser:${new URL(apiUrl).host}`;
  } catch {
    return 'randomuser';
  }
};

/** The Kafka topic of each canonical topic, in order; an unknown canonical name throws, duplicates are kept (and refused later). */
function kafkaTopicNames(topics: readonly string[], topicNames: Partial<Record<TopicName, string>> = {}): string[] {
  resolveTopics(topics);
  return topics.map((topic) => (isTopicName(topic) ? topicNames[topic] : undefined) ?? topic);
}

export function userRoutes(
  topics: readonly string[],
  apiUrl: string,
  fetchedAt: WeakMap<NormalizedUser, string>,
  topicNames: Partial<Record<TopicName, string>> = {},
): TopicRoute<NormalizedUser>[] {
  const source = sourceName(apiUrl);
  return resolveTopics([...topics]).map((topic) => ({
    topic: topicNames[topic] ?? topic,
    toMessage: (user: NormalizedUser) =>
      jsonMessage(
        topicNames[topic] ?? topic,
        user.login.uuid,
        buildEnvelope(topic, user, { source, fetchedAt: fetchedAt.get(user) ?? new Date().toISOString(), producedAt: new Date().toISOString() }),
      ),
  }));
}

/**
 * The Random User pipeline (pipelines/randomuser.ts), restricted to `topics` in their order, some under other
 * Kafka names: what produceUsers produces. An unknown topic fails naming the pipeline's topics.
 */
export async function randomUserPipeline(topics: readonly string[], topicNames: Partial<Record<string, string>> = {}): Promise<ResolvedPipeline> {
  const { file, pipeline } = await loadPipeline({ file: BUILTIN_PIPELINE, origin: 'builtin' });
  const kafkaTopics = Object.fromEntries(Object.entries(topicNames).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const selected = selectTopics(resolvePipeline(pipeline), { subset: topics, kafkaTopics }, file);
  // The caller's order, duplicates kept (runProducer refuses them, naming the list), as the summary lists them.
  const byName = new Map(selected.topics.map((topic) => [topic.topic, topic]));
  return { ...selected, topics: topics.map((topic) => byName.get(topic) as ResolvedPipelineTopic) };
}

/**
 * Creates the topics if missing, then fetches users page by page and publishes one record per topic
 * per user, keyed by user id, until count, duration or abort; returns once every record is acknowledged
 * or reported failed. The Random User pipeline through the generic producer (produceRecords).
 */
export async function produceUsers(options: ProduceUsersOptions): Promise<ProduceSummary> {
  kafkaTopicNames(options.topics, options.topicNames);
  const pipeline = await randomUserPipeline(options.topics, options.topicNames);
  const seed = options.seed ?? randomSeed();
  const batchSize = options.batchSize ?? Math.min(500, options.count ?? 500);
  const source = randomUserRuntime(randomUser(options.nat ? { nat: options.nat.split(',') } : {}), {
    baseDir: process.cwd(),
    defaultUrl: options.apiUrl,
    seed,
    pageSize: batchSize,
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
  });
  return produceRecords({ ...options, seed, batchSize, pipeline, source, dedupe: true });
}
