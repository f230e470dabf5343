import { functions as F, T, type BatchRoute, type Column, type DataFrame, type SparkSession } from '@streamline/spark-connect';
import { bareValueFields, DEAD_LETTER_FIELDS, ENVELOPE_SCHEMA_VERSION, type DeadLetterField, type Fields } from '../model/index.js';
import { connectorWriteOptions } from '../pipeline/sink.js';
import { DEAD_LETTERS } from '../sink/index.js';
import type { TopicBinding } from './bindings.js';
import { sparkSchema } from './spark-schema.js';
import { messageChecks, reasonColumn } from './validation.js';

export interface SourceOptions {
  kafkaBootstrap: string;
  /** More kafka.* options for the source (SASL: src/config/kafka-sasl.ts); redacted by Spark's redaction regex. */
  kafkaOptions?: Record<string, string>;
  startingOffsets: 'earliest' | 'latest';
  maxOffsetsPerTrigger: number;
}

export interface MongoTarget {
  uri: string;
  database: string;
  /** Documents per bulk write (config mongo.maxBatchSize, where its default and the reason live). */
  maxBatchSize: number;
}

/** Columns of kafkaSource(): the Kafka coordinates, the key as a string, the value as bytes and as a string. */
const source = {
  key: F.col('key'),
  raw: F.col('raw'),
  json: F.col('json'),
  topic: F.col('topic'),
  partition: F.col('partition'),
  offset: F.col('offset'),
  timestamp: F.col('timestamp'),
};
const reason = F.col('reason');

/** The Kafka source for some topics, with key/value as strings and Kafka coordinates kept. */
function kafkaSource(spark: SparkSession, topics: string[], opts: SourceOptions): DataFrame {
  return spark.readStream
    .format('kafka')
    .options({
      'kafka.bootstrap.servers': opts.kafkaBootstrap,
      ...opts.kafkaOptions,
      subscribe: topics.join(','),
      startingOffsets: opts.startingOffsets,
      maxOffsetsPerTrigger: opts.maxOffsetsPerTrigger,
      // A deleted or truncated topic is an error worth stopping for, not something to skip silently.
      failOnDataLoss: true,
    })
    .load()
    .select(
      F.col('key').cast(T.string).alias('key'),
      F.col('value').alias('raw'),
      F.col('value').cast(T.string).alias('json'),
      source.topic,
      source.partition,
      source.offset,
      source.timestamp,
    );
}

/**
 * Adds `columns` to every record, each evaluated exactly once. As projected aliases, Spark's optimizer
 * pushes the validation filter below them and inlines the alias into every field the checks read,
 * and then prunes each copy to one field: one full JSON parse per field reference (about 30 per
 * record for Random User's contact topic, more for its profile; the plan in docs/decisions.md). As the columns of
 * a generator (`inline` over a one-element array) they are attributes the filter cannot see through.
 */
function withColumnsOnce(frame: DataFrame, columns: Record<string, Column>): DataFrame {
  return frame.select(F.col('*'), F.inline(F.array(F.named_struct(columns))));
}

/** Kafka's timestamp of the record as the ISO-8601 UTC text the envelope's timestamps carry, whatever the session time zone. */
const kafkaTimestampIso = (): Column => F.date_format(F.to_utc_timestamp(source.timestamp, F.current_timezone()), "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

/**
 * A topic's message value parsed with its canonical schema (null when it is not JSON). A bare value (a
 * record someone else's producer wrote) is parsed as the topic's fields and wrapped into the envelope a
 * streamline producer would have sent: its key read from the record, Kafka's timestamp as when it was
 * fetched and produced. Everything after (checks, documents, dead letters) is then the same for both.
 */
function parsedMessage(binding: TopicBinding): Column {
  if (!binding.bare) return F.from_json(source.json, sparkSchema(binding.schema.envelopeFields));
  const data = F.from_json(source.json, sparkSchema(binding.schema.fields));
  const parts = binding.bare.key.map((path) => path.split('.').reduce((column, segment) => column.getField(segment), data).cast(T.string));
  // concat_ws skips nulls: a composite key with a part missing is no key at all.
  const id = parts.length === 1 ? parts[0]! : F.when(parts.map((p) => p.isNotNull()).reduce((all, p) => all.and(p)), F.concat_ws('/', ...parts));
  const at = kafkaTimestampIso();
  return F.when(data.isNotNull(), F.named_struct({ schema_version: F.lit(ENVELOPE_SCHEMA_VERSION), source: F.lit(`kafka:${binding.topic}`), fetched_at: at, produced_at: at, id, data }));
}

/**
 * Why a record of this binding is invalid (null when it is valid), reading the parsed struct `msg`. A bare
 * value is checked by its record alone (bareValueFields), and its Kafka key is whatever its producer chose:
 * the id read from the record stands in for it.
 */
const invalidReason = (binding: TopicBinding, msg: Column): Column =>
  binding.bare
    ? reasonColumn(messageChecks(bareValueFields(binding.schema.envelopeFields), { json: source.json, key: msg.getField('id'), msg }))
    : reasonColumn(messageChecks(binding.schema.envelopeFields, { json: source.json, key: source.key, msg }));

/** The column holding record i's parsed message in parsedRecords() (null for records of other topics). */
const messageColumn = (i: number): Column => F.col(`msg_${i}`);

/**
 * Every record of the bindings' topics read once and parsed once, with its own topic's schema, plus
 * `reason`: why it is invalid (null when it is valid). The routes below split it into documents and
 * dead letters. One binding: one from_json; several: one per topic, each only on its topic's records.
 */
export function parsedRecords(spark: SparkSession, bindings: TopicBinding[], options: SourceOptions): DataFrame {
  const only = bindings.length === 1;
  const parsed = Object.fromEntries(bindings.map((b, i) => [`msg_${i}`, only ? parsedMessage(b) : F.when(source.topic.eq(b.topic), parsedMessage(b))]));
  const reasonByTopic = only
    ? invalidReason(bindings[0]!, messageColumn(0))
    : reasonColumn(
        bindings.map((b, i) => ({ condition: source.topic.eq(b.topic), reason: invalidReason(b, messageColumn(i)) })),
        'no schema is bound to this topic',
      );
  return withColumnsOnce(kafkaSource(spark, bindings.map((b) => b.topic), options), parsed).withColumn('reason', reasonByTopic);
}

/** Where a Kafka record was read from, as one string: the dead letters' `_id`, and an insert collection's. */
const kafkaCoordinates = (): Column => F.concat_ws('/', source.topic, source.partition.cast(T.string), source.offset.cast(T.string));

/**
 * The dotted path of every leaf of `fields` (`location.lat`), nested objects descended: an `update` writes
 * them as `$set` paths, so a partial nested object merges into the stored one instead of replacing it.
 */
export function leafPaths(fields: Fields, prefix: readonly string[] = []): string[][] {
  return Object.entries(fields).flatMap(([name, field]) => (field.kind === 'object' ? leafPaths(field.fields, [...prefix, name]) : [[...prefix, name]]));
}

/** The topic's fields as document columns, per write model (src/pipeline/sink.ts). */
function fieldColumns(binding: TopicBinding, data: Column): Column[] {
  if (binding.sink.write !== 'update') return Object.keys(binding.schema.fields).map((f) => data.getField(f).alias(f));
  return leafPaths(binding.schema.fields).map((path) => path.reduce((column, segment) => column.getField(segment), data).alias(path.join('.')));
}

/**
 * A valid record of binding i as the document stored in its collection: its `_id`, the topic's fields, where
 * it was read from, and when. `replace` and `update` key it by the record key (the envelope's id), so replaying
 * a batch rewrites the same `_id`s; `insert` by its Kafka coordinates, so each record is one document, once.
 */
function documentColumns(binding: TopicBinding, i: number): Column[] {
  const msg = messageColumn(i);
  const data = msg.getField('data');
  return [
    (binding.sink.write === 'insert' ? kafkaCoordinates() : msg.getField('id')).alias('_id'),
    ...fieldColumns(binding, data),
    F.named_struct({ topic: source.topic, partition: source.partition, offset: source.offset, timestamp: source.timestamp }).alias('kafka'),
    // Not current_timestamp(): a streaming query compiles it as a literal, so each micro-batch compiled
    // new classes (1,000 a minute in the 2 h soak: metaspace growth and Janino's CPU on every batch).
    F.wall_clock_timestamp().alias('ingested_at'),
    ...['fetched_at', 'produced_at', 'schema_version', 'source'].map((f) => msg.getField(f).alias(f)),
  ];
}

/**
 * An invalid record as a dead letter (src/model/dead-letter.ts): one column per field of the model, in its
 * order. Its `_id` is topic/partition/offset, so a replayed batch overwrites instead of duplicating.
 */
export function deadLetterColumns(): Column[] {
  const columns: Record<DeadLetterField, Column> = {
    _id: kafkaCoordinates(),
    topic: source.topic,
    partition: source.partition,
    offset: source.offset,
    kafka_timestamp: source.timestamp,
    key: source.key,
    value: source.json,
    // Bytes that are not UTF-8 would be mangled by the string copy: keep them exactly, base64-encoded.
    value_base64: F.when(source.raw.isNotNull().and(F.is_valid_utf8(source.raw).not()), F.base64(source.raw)),
    value_bytes: F.octet_length(source.raw),
    reason,
    failed_at: F.wall_clock_timestamp(),
  };
  return (Object.keys(DEAD_LETTER_FIELDS) as DeadLetterField[]).map((field) => columns[field].alias(field));
}

/**
 * A MongoDB write error about one document (as the Java driver's MongoBulkWriteException lists it) that
 * no retry can fix: 121 the collection's validator rejected it, 11000 a unique index other than _id,
 * 10334 too large. Such a record becomes a dead letter with the store's reason instead of a batch that
 * fails and replays forever; any other write error (store down, timeouts) still fails the batch.
 */
export const MONGO_DOCUMENT_REJECTED = 'BulkWriteError\\{index=\\d+, code=(121|11000|10334), ';

/**
 * Where each row of parsedRecords(bindings) goes, in one micro-batch: a valid record to its topic's
 * collection, an invalid one to dead_letters. The conditions split the rows: each lands in exactly one place.
 */
export function recordRoutes(bindings: TopicBinding[], mongo: MongoTarget): BatchRoute[] {
  const only = bindings.length === 1;
  // Every binding of a pipeline names the same dead-letter collection.
  const deadLetters = bindings[0]?.deadLetters ?? DEAD_LETTERS;
  return [
    ...bindings.map((b, i) => ({
      name: b.collection,
      condition: only ? reason.isNull() : source.topic.eq(b.topic).and(reason.isNull()),
      select: documentColumns(b, i),
      format: 'mongodb',
      options: { ...mongoTargetOptions(mongo), ...connectorWriteOptions(b.sink) },
      rejects: { pattern: MONGO_DOCUMENT_REJECTED, route: deadLetters, reasonColumn: 'reason' },
      // Unordered bulks may apply two versions of a key in either order: write only each key's latest.
      ...(b.sink.write === 'replace' && !b.sink.ordered ? { dedupeLatestBy: { key: messageColumn(i).getField('id'), orderBy: [source.partition, source.offset] as [Column, Column] } } : {}),
    })),
    { name: deadLetters, condition: reason.isNotNull(), select: deadLetterColumns(), format: 'mongodb', options: { ...mongoTargetOptions(mongo), ...deadLetterWriteOptions(deadLetters) } },
  ];
}

/** MongoDB Spark Connector options of where every route writes; each route adds its collection's write model. */
function mongoTargetOptions(target: MongoTarget): Record<string, string> {
  return {
    'spark.mongodb.maxBatchSize': String(target.maxBatchSize),
    'spark.mongodb.connection.uri': target.uri,
    'spark.mongodb.database': target.database,
  };
}

/** Dead letters are upserted by their Kafka coordinates: a replayed batch rewrites the same ones. */
const deadLetterWriteOptions = (collection: string): Record<string, string> => ({
  'spark.mongodb.collection': collection,
  'spark.mongodb.operationType': 'replace',
  'spark.mongodb.idFieldList': '_id',
  'spark.mongodb.upsertDocument': 'true',
});

