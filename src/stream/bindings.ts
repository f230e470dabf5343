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
export const ingestQueryName = (binding: TopicBinding): string => `ingest_${binding.collection}`;
export const DEAD_LETTER_QUERY = 'dead_letters';
