import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Column, SparkConnectError, SparkSession, T, functions as F, type BatchRoute, type DataFrame } from '../../src/index.js';
import { scratch, testMongoUri, uniqueName } from '../support/scratch.js';

// The routed foreachBatch plugin's latest-per-key reduction and its test-only failure after a write,
// over a text file source read with an available-now trigger: its micro-batches are known in advance
// (one per file), so every assertion is exact.
const remote = inject('sparkRemote');
const mongoUri = testMongoUri();

let spark: SparkSession;

beforeAll(async () => {
  spark = await SparkSession.builder().remote(remote).getOrCreate();
});

afterAll(async () => {
  await spark?.stop();
});

/** One version of a keyed record, as a Kafka message would carry it: where it was read and what it says. */
type Version = {
  id: string | null;
  partition: number;
  offset: number;
  version: string;
};

/**
 * Writes each batch as a file of `id,partition,offset,version` lines (an empty id is a null key), one
 * second apart in modification time: the file source takes files oldest first, one per micro-batch.
 */
function writeBatches(dir: string, batches: Version[][]): void {
  mkdirSync(dir, { recursive: true });
  const start = Math.floor(Date.now() / 1000) - batches.length;
  batches.forEach((rows, i) => {
    const file = path.join(dir, `batch-${i}.txt`);
    writeFileSync(file, rows.map((r) => `${r.id ?? ''},${r.partition},${r.offset},${r.version}`).join('\n') + '\n');
    utimesSync(file, start + i, start + i);
  });
}

/** `count` versions of each of `keys` keys (partition = key number mod 3; offsets grow per partition from `from`), plus null-key rows. */
function versions(keys: number, count: number, tag: string, from = 0, nullKeys = 0): Version[] {
  const next = [from, from, from];
  const rows: Version[] = [];
  for (let v = 0; v < count; v++) {
    for (let k = 0; k < keys; k++) {
      const partition = k % 3;
      const offset = next[partition]!++;
      rows.push({ id: `k${String(k).padStart(2, '0')}`, partition, offset, version: `${tag}-v${v}` });
    }
  }
  for (let n = 0; n < nullKeys; n++) rows.push({ id: null, partition: 0, offset: next[0]!++, version: `${tag}-null${n}` });
  return rows;
}

/** The rows in another order than their offsets (reversed halves, interleaved): the order of arrival must not matter. */
const shuffled = <R>(rows: R[]): R[] => {
  const half = Math.ceil(rows.length / 2);
  const [a, b] = [rows.slice(0, half).reverse(), rows.slice(half).reverse()];
  return a.flatMap((r, i) => (b[i] === undefined ? [r] : [b[i], r]));
};

/** Of each key's rows, the one `better` prefers; null-key rows all stay. */
function reduced(rows: Version[], better: (a: Version, b: Version) => boolean): Version[] {
  const byKey = new Map<string, Version>();
  for (const r of rows) if (r.id !== null && (!byKey.has(r.id) || better(r, byKey.get(r.id)!))) byKey.set(r.id, r);
  return [...byKey.values(), ...rows.filter((r) => r.id === null)];
}
const later = (a: Version, b: Version) => a.partition > b.partition || (a.partition === b.partition && a.offset > b.offset);
const byPosition = (a: Version, b: Version) => a.partition - b.partition || a.offset - b.offset;
const byId = (a: { _id: string }, b: { _id: string }) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

/** The text files of `dir` as a stream of versions, one file per micro-batch. */
function versionStream(session: SparkSession, dir: string): DataFrame {
  const part = (i: number) => Column.fn('element_at', Column.fn('split', F.col('value'), F.lit(',')), F.lit(i));
  return session.readStream
    .format('text')
    .option('path', dir)
    .option('maxFilesPerTrigger', 1)
    .load()
    .select(Column.fn('nullif', part(1), F.lit('')).alias('id'), part(2).cast(T.int).alias('partition'), part(3).cast(T.long).alias('offset'), part(4).alias('version'));
}

/** MongoDB connector options that upsert each row by its `_id` into `database`.`collection`. */
const upsertOptions = (database: string, collection: string): Record<string, string> => ({
  'spark.mongodb.connection.uri': mongoUri!,
  'spark.mongodb.database': database,
  'spark.mongodb.collection': collection,
  'spark.mongodb.operationType': 'replace',
  'spark.mongodb.idFieldList': '_id',
  'spark.mongodb.upsertDocument': 'true',
});

/** The `_id` and `version` of every document of `database`.`collection`, read back through the connector, by `_id`. */
async function storedVersions(database: string, collection: string): Promise<Array<{ _id: string; version: string }>> {
  const view = `${database}_${collection}`;
  await spark.sql(
    `CREATE OR REPLACE TEMPORARY VIEW ${view} (_id STRING, version STRING) USING mongodb OPTIONS (` +
      `'connection.uri' '${mongoUri}', 'database' '${database}', 'collection' '${collection}', ` +
      `'partitioner' 'com.mongodb.spark.sql.connector.read.partitioner.SinglePartitionPartitioner')`,
  ).collect();
  return (await spark.sql(`SELECT _id, version FROM ${view}`).collect<{ _id: string; version: string }>()).map((d) => ({ ...d })).sort(byId);
}

const columns = [F.col('id'), F.col('partition'), F.col('offset'), F.col('version')];
const latestById: BatchRoute['dedupeLatestBy'] = { key: F.col('id'), orderBy: [F.col('partition'), F.col('offset')] };

describe('routed foreachBatch: the latest row per key', () => {
  it('writes only the row with the highest order per key (whatever the order of arrival), and every null-key row', async () => {
    const name = uniqueName('routed_latest');
    const [input, latestDir, earliestDir] = [scratch(`${name}_in`), scratch(`${name}_latest`), scratch(`${name}_earliest`)];
    const rows = versions(30, 4, 'only', 100, 3);
    writeBatches(input, [shuffled(rows)]);
    const q = await versionStream(spark, input)
      .writeStream.queryName(name)
      .trigger({ availableNow: true })
      .checkpointLocation(scratch(name))
      .foreachBatchRoutes([
        { name: 'latest', select: columns, format: 'json', options: { path: latestDir }, dedupeLatestBy: latestById },
        // The order is the route's expression, not the rows' offsets: here the lowest offset wins.
        { name: 'earliest', select: columns, format: 'json', options: { path: earliestDir }, dedupeLatestBy: { key: F.col('id'), orderBy: [F.col('offset').multiply(-1)] } },
      ])
      .start();
    await q.awaitTermination(120_000);
    expect(await q.exception()).toBeNull();

    const read = (dir: string) => spark.sql(`SELECT id, partition, offset, version FROM json.\`${dir}\``).collect<Version>();
    const normal = (r: Version) => ({ id: r.id ?? null, partition: Number(r.partition), offset: Number(r.offset), version: r.version });
    const [latest, earliest] = [(await read(latestDir)).map(normal), (await read(earliestDir)).map(normal)];
    expect(latest.sort(byPosition)).toEqual(reduced(rows, later).sort(byPosition));
    expect(earliest.sort(byPosition)).toEqual(reduced(rows, (a, b) => a.offset < b.offset).sort(byPosition));
    expect(latest.filter((r) => r.id !== null).every((r) => r.version === 'only-v3')).toBe(true);
    // As many writers as the batch had partitions (one file, one partition), not one per shuffle partition.
    expect(readdirSync(latestDir).filter((f) => /^part-.*\.json$/.test(f))).toHaveLength(1);
  });

  it.skipIf(mongoUri === undefined)(
    'a micro-batch that fails after its first route wrote (unordered MongoDB bulks) is replayed: each key once, with its latest version; each row once',
    async () => {
      const name = uniqueName('routed_replay');
      const [input, marker] = [scratch(`${name}_in`), scratch(`${name}_failed_once`)];
      // Three batches; a key's versions continue across them (later batches, higher offsets).
      const batches = [0, 1, 2].map((b) => versions(20, 3, `b${b}`, b * 1000));
      writeBatches(input, batches);
      const mongo = (collection: string) => ({ ...upsertOptions(name, collection), 'spark.mongodb.ordered': 'false' });
      const routes: BatchRoute[] = [
        {
          name: 'latest',
          select: [F.col('id').alias('_id'), F.col('offset'), F.col('version')],
          format: 'mongodb',
          options: mongo('latest'),
          dedupeLatestBy: latestById,
          testOnlyFailAfterWriteOnce: { marker },
        },
        {
          name: 'versions',
          select: [F.concat_ws('/', F.col('partition').cast(T.string), F.col('offset').cast(T.string)).alias('_id'), F.col('id'), F.col('version')],
          format: 'mongodb',
          options: mongo('versions'),
        },
      ];
      const run = () => versionStream(spark, input).writeStream.queryName(name).trigger({ availableNow: true }).checkpointLocation(scratch(name)).foreachBatchRoutes(routes).start();
      const collection = (c: string) => storedVersions(name, c);

      // First run: batch 0 is written by the first route, then fails (the second route has not written).
      const first = await run();
      const failure = await first.awaitTermination(120_000).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SparkConnectError);
      expect((await first.exception())?.message).toMatch(/test-only failure after route 'latest' wrote batch 0/);
      expect(existsSync(marker)).toBe(true);
      const latestOf = (rows: Version[]) => reduced(rows, later).map((r) => ({ _id: r.id!, version: r.version })).sort(byId);
      expect(await collection('latest')).toEqual(latestOf(batches[0]!));
      expect(await collection('versions')).toEqual([]);

      // The restart replays batch 0 from the checkpoint, then batches 1 and 2.
      const second = await run();
      await second.awaitTermination(120_000);
      expect(await second.exception()).toBeNull();
      expect(await collection('latest')).toEqual(latestOf(batches.flat()));
      const every = batches.flat().map((r) => ({ _id: `${r.partition}/${r.offset}`, version: r.version }));
      expect(await collection('versions')).toEqual(every.sort(byId));
    },
  );

  it.skipIf(mongoUri === undefined)(
    'without a latest-per-key route, every route is written in one pass: a failure after the write finds all routes written, and the replay writes each row once',
    async () => {
      const name = uniqueName('routed_one_pass');
      const [input, marker] = [scratch(`${name}_in`), scratch(`${name}_failed_once`)];
      const batches = [0, 1].map((b) => versions(20, 2, `b${b}`, b * 1000));
      writeBatches(input, batches);
      const upsert = (collection: string) => upsertOptions(name, collection);
      const position = F.concat_ws('/', F.col('partition').cast(T.string), F.col('offset').cast(T.string)).alias('_id');
      const even = Column.fn('pmod', F.col('offset'), F.lit(2)).eq(0);
      const routes: BatchRoute[] = [
        { name: 'even', condition: even, select: [position, F.col('version')], format: 'mongodb', options: upsert('even'), testOnlyFailAfterWriteOnce: { marker } },
        { name: 'odd', condition: even.not(), select: [position, F.col('version')], format: 'mongodb', options: upsert('odd') },
      ];
      const run = () => versionStream(spark, input).writeStream.queryName(name).trigger({ availableNow: true }).checkpointLocation(scratch(name)).foreachBatchRoutes(routes).start();
      const collection = (c: string) => storedVersions(name, c);
      const stored = (rows: Version[], wanted: (r: Version) => boolean) =>
        rows.filter(wanted).map((r) => ({ _id: `${r.partition}/${r.offset}`, version: r.version })).sort(byId);
      const isEven = (r: Version) => r.offset % 2 === 0;

      const first = await run();
      await first.awaitTermination(120_000).catch(() => undefined);
      expect((await first.exception())?.message).toMatch(/test-only failure after route 'even' wrote batch 0/);
      // Route by route, 'odd' would not have been written before the failure; in one pass it was.
      expect(await collection('even')).toEqual(stored(batches[0]!, isEven));
      expect(await collection('odd')).toEqual(stored(batches[0]!, (r) => !isEven(r)));

      const second = await run();
      await second.awaitTermination(120_000);
      expect(await second.exception()).toBeNull();
      expect(await collection('even')).toEqual(stored(batches.flat(), isEven));
      expect(await collection('odd')).toEqual(stored(batches.flat(), (r) => !isEven(r)));
    },
  );

  it.skipIf(mongoUri === undefined)(
    'a row a route cannot write fails the one pass; the batch is written again route by route, which isolates that row into the reject route',
    async () => {
      const name = uniqueName('routed_one_pass_rejects');
      const input = scratch(`${name}_in`);
      const rows = versions(20, 1, 'only');
      writeBatches(input, [rows]);
      const refused = Column.fn('pmod', F.col('offset'), F.lit(5)).eq(3);
      const position = F.concat_ws('/', F.col('partition').cast(T.string), F.col('offset').cast(T.string)).alias('_id');
      const q = await versionStream(spark, input)
        .withColumn('why', F.lit(null).cast(T.string))
        .writeStream.queryName(name)
        .trigger({ availableNow: true })
        .checkpointLocation(scratch(name))
        .foreachBatchRoutes([
          {
            name: 'docs',
            select: [position, F.when(refused, Column.fn('raise_error', F.concat_ws(' ', F.lit('refused row'), F.col('offset').cast(T.string)))).otherwise(F.col('version')).alias('version')],
            format: 'mongodb',
            options: upsertOptions(name, 'docs'),
            rejects: { pattern: 'refused row \\d+', route: 'rejected', reasonColumn: 'why' },
          },
          { name: 'rejected', condition: F.lit(false), select: [position, F.col('why').alias('version')], format: 'mongodb', options: upsertOptions(name, 'rejected') },
        ])
        .start();
      await q.awaitTermination(120_000);
      expect(await q.exception()).toBeNull();
      const isRefused = (r: Version) => r.offset % 5 === 3;
      const kept = rows.filter((r) => !isRefused(r)).map((r) => ({ _id: `${r.partition}/${r.offset}`, version: r.version }));
      expect(await storedVersions(name, 'docs')).toEqual(kept.sort(byId));
      const rejected = rows.filter(isRefused).map((r) => ({ _id: `${r.partition}/${r.offset}`, version: expect.stringContaining(`refused row ${r.offset}`) as unknown as string }));
      expect(rejected.length).toBeGreaterThan(0);
      expect(await storedVersions(name, 'rejected')).toEqual(rejected.sort(byId));
    },
  );
});
