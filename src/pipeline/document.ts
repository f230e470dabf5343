import type { ResolvedPipelineTopic } from './resolve.js';

/** Where a Kafka record was read from: what the stored document's `kafka` and an insert's `_id` are made of. */
export interface KafkaCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: Date;
}

/**
 * The document a valid message becomes in its topic's collection, as the streaming query writes it (a TS
 * mirror of src/stream/queries.ts documentColumns, per write model, for `check` and `test`), from the message
 * as from_json parsed it (evaluate.ts fromJsonLike) and before MongoDB sees it:
 * - `replace`: `_id` = the envelope id, every topic field at the top level (null when absent), the meta;
 * - `update`: the same, but null values are left out at every depth (the connector's ignoreNullValues), so
 *   a first write stores only what the message carries and a later one merges field by field;
 * - `insert`: `_id` = topic/partition/offset, otherwise as replace.
 */
export function storedDocument(topic: ResolvedPipelineTopic, msg: Readonly<Record<string, unknown>>, kafka: KafkaCoordinates, ingestedAt: Date): Record<string, unknown> {
  const data = (msg.data ?? {}) as Record<string, unknown>;
  const document: Record<string, unknown> = {
    _id: topic.sink.write === 'insert' ? `${kafka.topic}/${kafka.partition}/${kafka.offset}` : msg.id,
    ...Object.fromEntries(Object.keys(topic.schema.fields).map((name) => [name, data[name] ?? null])),
    kafka: { topic: kafka.topic, partition: kafka.partition, offset: kafka.offset, timestamp: kafka.timestamp },
    ingested_at: ingestedAt,
    ...Object.fromEntries(['fetched_at', 'produced_at', 'schema_version', 'source'].map((name) => [name, msg[name] ?? null])),
  };
  return topic.sink.write === 'update' ? (withoutNulls(document) as Record<string, unknown>) : document;
}

function withoutNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, inner]) => inner !== null && inner !== undefined)
      .map(([key, inner]) => [key, withoutNulls(inner)]),
  );
}
