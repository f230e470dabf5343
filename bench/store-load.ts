/**
 * The store-ceiling load: every document upserted by `_id` (replaceOne + upsert, as the MongoDB Spark
 * connector writes with operationType=replace) in bulk writes of `batchSize` (unordered unless `ordered`),
 * `parallelism` bulks in flight, with the official node driver.
 */
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { CollectionLoad, StoredDocument } from './store-docs.js';

export interface LoadShape {
  batchSize: number;
  parallelism: number;
  /** Ordered bulks, as the MongoDB Spark connector sends by default (`spark.mongodb.ordered`). */
  ordered?: boolean;
}

export interface LoadResult {
  documents: number;
  seconds: number;
  perSecond: number;
  /** Documents the store reported as inserted (upserted) and as matched (already there). */
  upserted: number;
  matched: number;
}

interface Bulk {
  collection: string;
  ops: AnyBulkWriteOperation<StoredDocument>[];
}

/** The bulks in arrival order: each collection cut into `batchSize` slices, collections interleaved. */
export function bulksOf(loads: CollectionLoad[], batchSize: number): Bulk[] {
  const perCollection = loads.map((load) => {
    const bulks: Bulk[] = [];
    for (let i = 0; i < load.docs.length; i += batchSize) {
      const ops = load.docs.slice(i, i + batchSize).map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }));
      bulks.push({ collection: load.collection, ops });
    }
    return bulks;
  });
  const longest = Math.max(0, ...perCollection.map((b) => b.length));
  return Array.from({ length: longest }, (_, i) => perCollection.flatMap((bulks) => (i < bulks.length ? [bulks[i]!] : []))).flat();
}

/** Writes every bulk, `parallelism` at a time, and times it. */
export async function upsertAll(db: Db, loads: CollectionLoad[], shape: LoadShape): Promise<LoadResult> {
  const bulks = bulksOf(loads, shape.batchSize);
  let next = 0;
  let upserted = 0;
  let matched = 0;
  const worker = async (): Promise<void> => {
    while (next < bulks.length) {
      const bulk = bulks[next++]!;
      const result = await db.collection<StoredDocument>(bulk.collection).bulkWrite(bulk.ops, { ordered: shape.ordered ?? false });
      upserted += result.upsertedCount;
      matched += result.matchedCount;
    }
  };
  const documents = loads.reduce((n, load) => n + load.docs.length, 0);
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: shape.parallelism }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { documents, seconds, perSecond: documents / seconds, upserted, matched };
}
