import type { TopicSchema } from '../model/index.js';
import type { ResolvedPipeline } from '../pipeline/resolve.js';
import { hasBareValues } from '../pipeline/sources.js';
import type { ResolvedCollection } from '../pipeline/sink.js';

/** One Kafka topic of a pipeline, the schema its records follow, and the collection they land in, and how. */
export interface TopicBinding {
  /** The Kafka topic read (the pipeline topic's Kafka name). */
  topic: string;
  /** The collection its valid records land in (`sink.collection`). */
  collection: string;
  /** Everything derived from the topic's fields: the Spark schema and checks read `envelopeFields`, the store `mongoValidator`. */
  schema: TopicSchema;
  /** The write model, bulk options, indexes and validator of the collection. */
  sink: ResolvedCollection;
  /** The pipeline this topic belongs to (its name): the running queries are adopted only by the same pipeline. */
  pipeline: string;
  /** The collection the pipeline's invalid records land in. */
  deadLetters: string;
  /**
   * Set when the topic's values are bare records (a `kafka()` source fed by others), not streamline envelopes:
   * the dotted paths of the value whose values, joined with `/`, are the record key.
   */
  bare?: { key: readonly string[] };
}

/** The bindings of a resolved pipeline (already narrowed to `--topics`), one per topic, in its order. */
export function pipelineBindings(pipeline: ResolvedPipeline): TopicBinding[] {
  const bare = hasBareValues(pipeline.source);
  return pipeline.topics.map((t) => ({
    topic: t.kafkaTopic,
    collection: t.sink.collection,
    schema: t.schema,
    sink: t.sink,
    pipeline: pipeline.name,
    deadLetters: pipeline.deadLetters,
    ...(bare ? { bare: { key: t.key } } : {}),
  }));
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
