/**
 * Documents shaped exactly like the ones the streaming queries store (src/stream/queries.ts ingestFrame):
 * `_id` = the record key, the topic's fields at the top level, `kafka {topic, partition, offset, timestamp}`,
 * `ingested_at` and the envelope fields, for the built-in pipeline's four topics; generated locally, no
 * Kafka or Spark.
 */
import { normalizeUser } from '../src/source/index.js';
import { pipelinePlan, type CollectionPlan } from '../src/sink/index.js';
import { generateUsers } from '../src/source/index.js';
import { builtinBindings, builtinSelection } from '../harness/builtin-pipeline.js';

export interface StoredDocument {
  _id: string;
  [field: string]: unknown;
}

/** One collection's documents, in the order they would arrive. */
export interface CollectionLoad {
  collection: string;
  docs: StoredDocument[];
}

/** `users` users as the four collections' documents (4 documents per user), deterministic in `seed`. */
export function userDocuments(users: number, seed = 'store-ceiling'): CollectionLoad[] {
  const now = new Date(Date.UTC(2026, 0, 1));
  const normalized = generateUsers({ seed, page: 1, results: users, now }).map((raw) => normalizeUser(raw, { pii: 'keep' }));
  return builtinSelection().topics.map((topic) => ({
    collection: topic.sink.collection,
    docs: normalized.map((user, offset) => {
      const at = new Date(now.getTime() + offset);
      return {
        _id: user.login.uuid,
        ...topic.toRecords?.(user)[0],
        kafka: { topic: topic.kafkaTopic, partition: offset % 3, offset, timestamp: at },
        ingested_at: at,
        fetched_at: at.toISOString(),
        produced_at: at.toISOString(),
        schema_version: 1,
        source: 'randomuser:127.0.0.1',
      };
    }),
  }));
}

/** The collections and indexes the pipeline creates for the four topics (plus dead letters). */
export const userCollectionsPlan = (): CollectionPlan[] =>
  pipelinePlan(builtinBindings().map((b) => ({ sink: { ...b.sink, validator: false }, validator: b.schema.mongoValidator })));

/**
 * The same documents under new `_id`s of the same length (the uuid's first 8 hex digits replaced by
 * `generation`), so every grid cell inserts instead of matching what an earlier cell wrote.
 */
export function withFreshIds(loads: CollectionLoad[], generation: number): CollectionLoad[] {
  const prefix = (generation >>> 0).toString(16).padStart(8, '0');
  return loads.map((load) => ({ collection: load.collection, docs: load.docs.map((doc) => ({ ...doc, _id: prefix + doc._id.slice(8) })) }));
}
