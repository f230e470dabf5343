import { envelopeFields, TOPIC_FIELDS, TOPIC_SCHEMAS } from '../model/index.js';
import { DEAD_LETTERS } from '../sink/index.js';
import type { DataFrame, SparkSession } from '../spark/index.js';
import type { TopicBinding } from './bindings.js';
import { messageChecks, reasonExpression, sqlString } from './validation.js';

export interface SourceOptions {
  kafkaBootstrap: string;
  startingOffsets: 'earliest' | 'latest';
  maxOffsetsPerTrigger: number;
}

export interface MongoTarget {
  uri: string;
  database: string;
}

/** The Kafka source for some topics, with key/value as strings and Kafka coordinates kept. */
export function kafkaSource(spark: SparkSession, topics: string[], opts: SourceOptions): DataFrame {
  return spark.readStream
    .format('kafka')
    .options({
      'kafka.bootstrap.servers': opts.kafkaBootstrap,
      subscribe: topics.join(','),
      startingOffsets: opts.startingOffsets,
      maxOffsetsPerTrigger: opts.maxOffsetsPerTrigger,
      // A deleted or truncated topic is an error worth stopping for, not something to skip silently.
      failOnDataLoss: true,
    })
    .load()
    .selectExpr(
      'CAST(key AS STRING) AS key',
      'value AS raw',
      'CAST(value AS STRING) AS json',
      'topic',
      'partition',
      'offset',
      'timestamp',
    );
}

/** Parsed struct plus the reason it is invalid (null when valid), for one binding's schema. */
function withValidation(frame: DataFrame, binding: TopicBinding): DataFrame {
  const ddl = TOPIC_SCHEMAS[binding.schema].sparkDdl;
  const checks = messageChecks(envelopeFields(TOPIC_FIELDS[binding.schema]), { json: 'json', key: 'key', msg: 'msg' });
  return frame.selectExpr('*', `from_json(json, ${sqlString(ddl)}) AS msg`).selectExpr('*', `${reasonExpression(checks)} AS reason`);
}

/**
 * Valid records of one topic as the documents stored in its collection: `_id` = user id, the topic's
 * fields at the top level, where it was read from, and when. Replaying a batch rewrites the same `_id`s.
 */
export function ingestFrame(spark: SparkSession, binding: TopicBinding, source: SourceOptions): DataFrame {
  const dataFields = Object.keys(TOPIC_FIELDS[binding.schema]).map((f) => `msg.data.\`${f}\` AS \`${f}\``);
  return withValidation(kafkaSource(spark, [binding.topic], source), binding)
    .where('reason IS NULL')
    .selectExpr(
      'msg.id AS _id',
      ...dataFields,
      "named_struct('topic', topic, 'partition', partition, 'offset', offset, 'timestamp', timestamp) AS kafka",
      'current_timestamp() AS ingested_at',
      'msg.fetched_at AS fetched_at',
      'msg.produced_at AS produced_at',
      'msg.schema_version AS schema_version',
      'msg.source AS source',
    );
}

/**
 * Invalid records of all topics, each with its topic's own checks, as dead letters whose `_id` is
 * topic/partition/offset, so a replayed batch overwrites instead of duplicating.
 */
export function deadLetterFrame(spark: SparkSession, bindings: TopicBinding[], source: SourceOptions): DataFrame {
  // Parse each record once, with its own topic's schema (msg_0, msg_1, ... are null for other topics).
  const parsed = bindings.map((b, i) => `CASE WHEN topic = ${sqlString(b.topic)} THEN from_json(json, ${sqlString(TOPIC_SCHEMAS[b.schema].sparkDdl)}) END AS msg_${i}`);
  const reasonByTopic = bindings.map((b, i) => {
    const checks = messageChecks(envelopeFields(TOPIC_FIELDS[b.schema]), { json: 'json', key: 'key', msg: `msg_${i}` });
    return `WHEN topic = ${sqlString(b.topic)} THEN ${reasonExpression(checks)}`;
  });
  return kafkaSource(spark, bindings.map((b) => b.topic), source)
    .selectExpr('*', ...parsed)
    .selectExpr('*', `CASE ${reasonByTopic.join(' ')} ELSE 'no schema is bound to this topic' END AS reason`)
    .where('reason IS NOT NULL')
    .selectExpr(
      "concat_ws('/', topic, CAST(partition AS STRING), CAST(offset AS STRING)) AS _id",
      'topic',
      'partition',
      'offset',
      'timestamp AS kafka_timestamp',
      'key',
      'json AS value',
      // Bytes that are not UTF-8 would be mangled by the string copy: keep them exactly, base64-encoded.
      'CASE WHEN raw IS NULL OR is_valid_utf8(raw) THEN NULL ELSE base64(raw) END AS value_base64',
      'octet_length(raw) AS value_bytes',
      'reason',
      'current_timestamp() AS failed_at',
    );
}

/**
 * Operations per bulk write. FerretDB 1.24 (SQLite) keeps a pooled connection per *matched* update
 * of a bulk request until the whole request ends, and its pool has 100 connections per database: a
 * replayed micro-batch (restart after a stop or crash) rewrites existing documents, and with the
 * connector's default of 512 the write waits for a connection forever (reproduced: one bulk of 101
 * matched replace-upserts hangs). 16 keeps even six concurrent writer tasks under the limit; MongoDB
 * does not care.
 */
export const MONGO_MAX_BATCH_SIZE = 16;

/** MongoDB Spark Connector options for an idempotent upsert by `_id`. */
export function mongoSinkOptions(target: MongoTarget, collection: string): Record<string, string> {
  return {
    'spark.mongodb.maxBatchSize': String(MONGO_MAX_BATCH_SIZE),
    'spark.mongodb.connection.uri': target.uri,
    'spark.mongodb.database': target.database,
    'spark.mongodb.collection': collection,
    'spark.mongodb.operationType': 'replace',
    'spark.mongodb.idFieldList': '_id',
    'spark.mongodb.upsertDocument': 'true',
  };
}

export const deadLetterCollection = DEAD_LETTERS;
