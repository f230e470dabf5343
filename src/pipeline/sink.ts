import type { Fields, InferFields } from '../model/fields.js';
import type { FieldPath } from './paths.js';

/**
 * Where each topic lands in MongoDB, and how. Three write models, each exactly once in effect when Spark
 * replays a micro-batch (a failed batch is rerun from the same Kafka offsets, so every write of it may
 * happen twice, and a partly written batch is written again from its first row):
 *
 * - `replace` (today's): `ReplaceOneModel(filter {_id}, document, upsert)`. The same rows rewrite the same
 *   documents with the same content; within a batch, rows of one key are written in offset order (the key
 *   fixes the Kafka partition, the bulk is ordered), so the latest version wins, on replay too. With
 *   `ordered: false` the bulk may apply a key's versions in any order, so the batch first keeps only each
 *   key's latest row (highest partition and offset): one write per key, the latest, on replay too.
 * - `update`: `UpdateOneModel(filter {_id}, {$set: the fields present}, upsert)`, for sources that send
 *   partial records. `$set` is idempotent and last-writer-wins per field, so replaying a prefix of the
 *   sequence and then the whole sequence leaves every field as the whole sequence alone does. Absent
 *   fields are not written (the connector's `ignoreNullValues`), and nested objects are written as
 *   dotted paths (`$set: {'address.city': ...}`), so a partial nested object merges instead of replacing
 *   its siblings. Ordered bulks are required: unordered, two versions of a key in one bulk may land in
 *   either order.
 * - `insert`: append-only, one document per Kafka record, `_id` = `topic/partition/offset`. Written as a
 *   replace-upsert on that deterministic `_id`, NOT with the connector's `insert` operation: a replayed
 *   insert fails with E11000 on the rows already written (and our reject rule would then send those rows
 *   to dead_letters), while a replace of the same `_id` with the same content is a no-op in effect.
 *   Exactly once per Kafka record; a producer that re-sends a record after a crash gives it a new offset,
 *   hence a second document: `check` says so for sources that cannot resume exactly.
 */
export type WriteModel = 'replace' | 'update' | 'insert';

/** Keys every stored document carries besides the topic's fields (STORED_DOCUMENT_EXTRA_PROPERTIES). */
export interface StoredMeta {
  _id: string;
  kafka: { topic: string; partition: number; offset: number; timestamp: string };
  ingested_at: string;
  fetched_at: string;
  produced_at: string;
}

export type IndexKey<D> = { readonly [P in FieldPath<D & StoredMeta>]?: 1 | -1 };

export interface IndexSpec<D> {
  /** Default: the key's paths joined with `_` (`name.last_1_name.first_1` style, as MongoDB names them). */
  readonly name?: string;
  /** Paths of the stored document, in order; a path that the topic's fields lack is a type error. */
  readonly key: IndexKey<D>;
  readonly unique?: boolean;
}

interface CollectionCommon<D> {
  /** Default: the topic name with every character outside `[A-Za-z0-9_]` as `_` (orders.lines -> orders_lines). */
  readonly collection?: string;
  /** Secondary indexes; `ingested_at` (descending) is always added, as today. */
  readonly indexes?: readonly IndexSpec<D>[];
  /** Apply the `$jsonSchema` validator derived from the topic's fields (default true; skipped where the store lacks validators). */
  readonly validator?: boolean;
}

export type CollectionSpec<D> = CollectionCommon<D> &
  (
    | {
        readonly write?: 'replace';
        /** Default true. Off: a record whose key has no document yet is dropped by the store; `check` warns that it is not exactly once. */
        readonly upsert?: boolean;
        /** Default true. Unordered bulks are faster; the batch then keeps only the latest row per `_id` before writing (a shuffle by key). */
        readonly ordered?: boolean;
      }
    | {
        readonly write: 'update';
        readonly upsert?: boolean;
        /** Must stay ordered: `$set`s of one key are not commutative. */
        readonly ordered?: true;
      }
    | {
        readonly write: 'insert';
        /** An insert always creates its document (it is an upsert on a fresh `_id`). */
        readonly upsert?: never;
        /** Rows of an insert collection never share an `_id`, so unordered bulks are safe (and faster). */
        readonly ordered?: boolean;
      }
  );

/** The MongoDB side of a pipeline: one database, one dead-letter collection, a collection per topic. */
export interface SinkSpec<T extends Record<string, Fields>> {
  /** Default: config mongo.database (`streamline`). */
  readonly database?: string;
  /** Default `dead_letters` (the dead-letter model of #19, src/model/dead-letter.ts). */
  readonly deadLetters?: string;
  readonly collections?: { readonly [K in keyof T]?: CollectionSpec<InferFields<T[K]>> };
}

/** The resolved sink of one topic, with every default applied: what src/stream and src/sink consume. */
export interface ResolvedCollection {
  readonly topic: string;
  readonly collection: string;
  readonly write: WriteModel;
  readonly upsert: boolean;
  readonly ordered: boolean;
  readonly indexes: readonly { name: string; key: Record<string, 1 | -1>; unique?: boolean }[];
  readonly validator: boolean;
}

export const defaultCollectionName = (topic: string): string => topic.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * MongoDB Spark connector (10.5) options of one resolved collection: the runtime half of the write models
 * above (src/stream/queries.ts mongoSinkOptions today hard-codes the `replace` row of this table).
 */
export function connectorWriteOptions(c: ResolvedCollection): Record<string, string> {
  const common = {
    'spark.mongodb.collection': c.collection,
    'spark.mongodb.idFieldList': '_id',
    'spark.mongodb.ordered': String(c.ordered),
  };
  switch (c.write) {
    case 'replace':
      return { ...common, 'spark.mongodb.operationType': 'replace', 'spark.mongodb.upsertDocument': String(c.upsert) };
    case 'update':
      return { ...common, 'spark.mongodb.operationType': 'update', 'spark.mongodb.upsertDocument': String(c.upsert), 'spark.mongodb.ignoreNullValues': 'true' };
    case 'insert':
      return { ...common, 'spark.mongodb.operationType': 'replace', 'spark.mongodb.upsertDocument': 'true' };
  }
}
