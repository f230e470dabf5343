import { date, integer, nullable, optional, string, type InferFields } from './fields.js';
import { bsonObjectSchema, type MongoValidator } from './to-mongo.js';

/**
 * A record the pipeline could not store: what it was (its bytes, as text and exactly), where it came from,
 * and why. Written once here; the Spark columns (src/stream/queries.ts), the collection's validator and
 * indexes (src/sink), the counts and the dashboard's reading derive from it.
 *
 * The value fields may also be absent: the MongoDB Spark Connector leaves out null columns when told to
 * (`ignoreNullValues`), and a dead letter must never be refused by the store, it is the last resort.
 */
export const DEAD_LETTER_FIELDS = {
  _id: string({ minLength: 1, description: 'topic/partition/offset: a replayed micro-batch overwrites instead of duplicating' }),
  topic: string({ minLength: 1, description: 'the Kafka topic the record was read from' }),
  partition: integer({ minimum: 0 }),
  offset: integer({ minimum: 0, bits: 64 }),
  kafka_timestamp: date({ description: "the record's Kafka timestamp" }),
  key: optional(nullable(string({ description: 'the message key as text' }))),
  value: optional(nullable(string({ description: 'the value as text (null for a tombstone)' }))),
  value_base64: optional(nullable(string({ description: 'the exact bytes of a value that is not valid UTF-8, base64-encoded' }))),
  value_bytes: optional(nullable(integer({ minimum: 0, description: 'size of the value in bytes' }))),
  reason: string({ minLength: 1, description: 'why the record is invalid, or the error the store refused its document with' }),
  failed_at: date({ description: 'when the Spark job wrote the dead letter' }),
} as const;

export type DeadLetterField = keyof typeof DEAD_LETTER_FIELDS;
export type DeadLetter = InferFields<typeof DEAD_LETTER_FIELDS>;

/** The dead-letter collection's `$jsonSchema` validator (applied where the store supports validators). */
export const deadLetterValidator = (): MongoValidator => ({ $jsonSchema: { ...bsonObjectSchema(DEAD_LETTER_FIELDS), title: 'dead letter' } });

/** The questions people ask of dead letters: the latest per topic, and all of one reason. */
export const DEAD_LETTER_INDEXES: ReadonlyArray<{ name: string; key: Partial<Record<DeadLetterField, 1 | -1>> }> = [
  { name: 'topic_time', key: { topic: 1, failed_at: -1 } },
  { name: 'reason', key: { reason: 1 } },
];

/** The field that says when a dead letter was written (what "dead letters since" filters and sorts on). */
export const DEAD_LETTER_TIME: DeadLetterField = 'failed_at';
