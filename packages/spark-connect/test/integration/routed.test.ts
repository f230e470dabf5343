import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { Column, SparkConnectError, SparkSession, T, functions as F, type StreamingQuery } from '../../src/index.js';
import { scratch, uniqueName } from '../support/scratch.js';
import { liveInstances, localServerPid } from '../support/server-heap.js';

// Needs the Connect server plugin dev.streamline.connect.RoutedForeachBatchPlugin (runtime/connect-plugin),
// which the test tier's Spark loads like every Spark streamline starts.
const remote = inject('sparkRemote');

let spark: SparkSession;
let query: StreamingQuery | undefined;

beforeAll(async () => {
  spark = await SparkSession.builder().remote(remote).getOrCreate();
});

afterAll(async () => {
  if (query && (await query.isActive().catch(() => false))) await query.stop();
  await spark?.stop();
});

describe('routed foreachBatch (server plugin)', () => {
  it('writes each row of every micro-batch through exactly one route, projected, and is controlled like any query', async () => {
    const name = uniqueName('routed');
    const [evenDir, oddDir] = [scratch(`${name}_even`), scratch(`${name}_odd`)];
    const even = Column.fn('pmod', F.col('value'), F.lit(2)).eq(0);
    query = await spark.readStream
      .format('rate')
      .option('rowsPerSecond', 50)
      .load()
      .writeStream.queryName(name)
      .trigger({ processingTime: '500 milliseconds' })
      .checkpointLocation(scratch(name))
      .foreachBatchRoutes([
        { name: 'even', condition: even, select: [F.col('value').alias('n'), F.lit('even').alias('kind')], format: 'json', options: { path: evenDir } },
        { name: 'odd', condition: even.not(), format: 'json', options: { path: oddDir } },
      ])
      .start();
    const q = query;
    expect(q.name).toBe(name);
    expect(q.id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await spark.streams.active()).map((a) => a.id)).toContain(q.id);
    expect(await q.isActive()).toBe(true);

    const progress = await vi.waitFor(
      async () => {
        const p = (await q.recentProgress()).find((r) => r.numInputRows > 0);
        if (!p) throw new Error('no progress report with input rows yet');
        return p;
      },
      { timeout: 120_000, interval: 250 },
    );
    expect(progress).toMatchObject({ id: q.id, runId: q.runId, name });
    expect(progress.sink?.description).toMatch(/ForeachBatchSink/);
    await q.stop();
    expect(await q.isActive()).toBe(false);
    expect(await q.exception()).toBeNull();

    const input = (await q.recentProgress()).reduce((sum, p) => sum + p.numInputRows, 0);
    const [evens] = await spark.sql(`SELECT count(*) AS n, count(DISTINCT n) AS d, min(n % 2) AS lo, max(n % 2) AS hi, min(kind) AS kind FROM json.\`${evenDir}\``).collect();
    const [odds] = await spark.sql(`SELECT count(*) AS n, min(value % 2) AS lo, max(value % 2) AS hi FROM json.\`${oddDir}\``).collect();
    expect(evens).toMatchObject({ lo: 0, hi: 0, kind: 'even' });
    expect(evens?.n).toBe(evens?.d);
    expect(odds).toMatchObject({ lo: 1, hi: 1 });
    // Every row of the committed batches went to exactly one route (a batch that stop() interrupted may
    // have written some of its rows too: the rate source numbers rows 0, 1, 2, ... in batch order).
    const [written] = await spark.sql(`SELECT count(*) AS n, count(DISTINCT v) AS d, sum(CASE WHEN v < ${input} THEN 1 ELSE 0 END) AS committed FROM (SELECT n AS v FROM json.\`${evenDir}\` UNION ALL SELECT value AS v FROM json.\`${oddDir}\`)`).collect();
    expect(Number(written?.n)).toBe(Number(written?.d));
    expect(Number(written?.committed)).toBe(input);
    expect(input).toBeGreaterThan(0);
  });

  it('isolates the rows a route\'s writer rejects and sends each to the reject route with the error; the query keeps running', async () => {
    const session = await SparkSession.builder().remote(remote).getOrCreate();
    try {
      const name = uniqueName('routed_rejects');
      const [keptDir, rejectedDir] = [scratch(`${name}_kept`), scratch(`${name}_rejected`)];
      const value = F.col('value');
      // Every row whose value ends in 3 fails its write (a stand-in for a store refusing one document).
      const refused = Column.fn('pmod', value, F.lit(10)).eq(3);
      const q = await session.readStream
        .format('rate')
        .option('rowsPerSecond', 10)
        .load()
        .withColumn('why', F.lit(null).cast(T.string))
        .writeStream.queryName(name)
        .trigger({ processingTime: '1 second' })
        .checkpointLocation(scratch(name))
        .foreachBatchRoutes([
          {
            name: 'kept',
            select: [F.when(refused, Column.fn('raise_error', F.concat_ws(' ', F.lit('refused row'), value.cast(T.string)))).otherwise(value).alias('value')],
            format: 'json',
            options: { path: keptDir },
            rejects: { pattern: 'refused row \\d+', route: 'rejected', reasonColumn: 'why' },
          },
          { name: 'rejected', condition: F.lit(false), select: [value, F.col('why')], format: 'json', options: { path: rejectedDir } },
        ])
        .start();
      await vi.waitFor(
        async () => {
          const rows = (await q.recentProgress()).reduce((sum, p) => sum + p.numInputRows, 0);
          if (rows < 20) throw new Error(`${rows} rows so far`);
        },
        { timeout: 180_000, interval: 500 },
      );
      await q.stop();
      expect(await q.exception()).toBeNull();
      const input = (await q.recentProgress()).reduce((sum, p) => sum + p.numInputRows, 0);
      const kept = await session.sql(`SELECT value FROM json.\`${keptDir}\``).collect<{ value: number }>();
      const rejected = await session.sql(`SELECT value, why FROM json.\`${rejectedDir}\``).collect<{ value: number; why: string }>();
      // Exactly once each: kept rows are the others, every refused row is a reject with its own error
      // (rows of a batch that stop() interrupted may be there too: the rate source numbers rows in order).
      const values = [...kept, ...rejected].map((r) => Number(r.value));
      expect(new Set(values).size).toBe(values.length);
      expect(values.filter((v) => v < input).length).toBe(input);
      expect(kept.filter((r) => Number(r.value) % 10 === 3)).toEqual([]);
      expect(rejected.length).toBeGreaterThan(0);
      for (const r of rejected) {
        expect(Number(r.value) % 10).toBe(3);
        expect(r.why).toMatch(new RegExp(`^rejected by the json sink of route 'kept': refused row ${r.value}`));
      }
    } finally {
      await session.stop();
    }
  });

  // Spark 4.0.0 never collects a cloned session (SPARK-54753), and caching a batch clones one unless the
  // plugin sets the batch session up for it: one leaked session per micro-batch filled the driver's heap.
  it.skipIf(localServerPid(remote) === undefined)('keeps no session per micro-batch on the server (its heap stays flat over many batches)', async () => {
    const pid = localServerPid(remote) as number;
    const session = await SparkSession.builder().remote(remote).getOrCreate();
    try {
      const name = uniqueName('routed_heap');
      const odd = Column.fn('pmod', F.col('value'), F.lit(2)).eq(1);
      const q = await session.readStream
        .format('rate')
        .option('rowsPerSecond', 20)
        .load()
        .writeStream.queryName(name)
        .trigger({ processingTime: '100 milliseconds' })
        .checkpointLocation(scratch(name))
        .foreachBatchRoutes([
          // The latest row per key adds a shuffle and a window to the persisted batch: no session either.
          { name: 'even', condition: odd.not(), format: 'noop', options: {}, dedupeLatestBy: { key: Column.fn('pmod', F.col('value'), F.lit(7)), orderBy: [F.col('value')] } },
          { name: 'odd', condition: odd, format: 'noop', options: {} },
        ])
        .start();
      const batches = async () => (await q.lastProgress())?.batchId ?? -1;
      await vi.waitFor(async () => expect(await batches()).toBeGreaterThanOrEqual(3), { timeout: 120_000, interval: 250 });
      const before = { batch: await batches(), sessions: liveInstances(pid, 'org.apache.spark.sql.classic.SparkSession') };
      await vi.waitFor(async () => expect(await batches()).toBeGreaterThanOrEqual(before.batch + 20), { timeout: 180_000, interval: 500 });
      const after = { batch: await batches(), sessions: liveInstances(pid, 'org.apache.spark.sql.classic.SparkSession') };
      await q.stop();
      // Other tests' sessions may come and go meanwhile; one per batch would be 20 or more.
      expect(after.sessions - before.sessions, `live SparkSessions: ${before.sessions} at batch ${before.batch}, ${after.sessions} at batch ${after.batch}`).toBeLessThan(8);
    } finally {
      await session.stop();
    }
  });

  it('fails the query, naming the cause, when a route cannot write', async () => {
    const session = await SparkSession.builder().remote(remote).getOrCreate();
    try {
      const name = uniqueName('routed_failing');
      const q = await session.readStream
        .format('rate')
        .load()
        .writeStream.queryName(name)
        .checkpointLocation(scratch(name))
        .foreachBatchRoutes([{ name: 'nowhere', format: 'no.such.format', options: {} }])
        .start();
      const failure = await q.awaitTermination(120_000).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SparkConnectError);
      expect((await q.exception())?.message).toContain('no.such.format');
    } finally {
      await session.stop();
    }
  });
});
