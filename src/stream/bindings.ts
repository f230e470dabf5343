import { resolveTopics, type TopicName } from '../model/index.js';
import { collectionForTopic } from '../sink/index.js';

/** One Kafka topic, the canonical schema its records follow, and the collection they land in. */
export interface TopicBinding {
  topic: string;
  schema: TopicName;
  collection: string;
}

/** The usual case: each configured topic is named after its schema (users.profile -> users_profile). */
export function bindTopics(topics: readonly string[]): TopicBinding[] {
  return resolveTopics(topics).map((topic) => ({ topic, schema: topic, collection: collectionForTopic(topic) }));
}

/** Query names are part of the checkpoint contract: stable, and unique per binding. */
const ingestQueryName = (binding: TopicBinding): string => `ingest_${binding.collection}`;
/** The one query of the `one` layout, reading every topic. */
const ALL_TOPICS_QUERY = 'ingest_all_topics';

/** How topics map to streaming queries (config stream.queries). */
export type QueryLayout = 'per-topic' | 'one';

/** One streaming query of the pipeline: its name and the topics it reads, parses and routes. */
export interface PipelineQuery {
  name: string;
  bindings: TopicBinding[];
}

/**
 * The pipeline's streaming queries: the one place that names them, for starting them, for finding
 * them in a session (status, stop) and for their checkpoints (supervisor). Each writes its valid
 * records and its dead letters in the same micro-batch.
 */
export function pipelineQueryPlan(bindings: TopicBinding[], layout: QueryLayout): PipelineQuery[] {
  if (layout === 'one') return [{ name: ALL_TOPICS_QUERY, bindings }];
  return bindings.map((b) => ({ name: ingestQueryName(b), bindings: [b] }));
}

/**
 * The queries this pipeline must have running, by name: the one list that `stream status`, the
 * dashboard, /metrics and the supervisor hold the running queries against (startPipeline starts
 * exactly the plan above).
 */
export const expectedQueries = (bindings: TopicBinding[], layout: QueryLayout): string[] => pipelineQueryPlan(bindings, layout).map((q) => q.name);
