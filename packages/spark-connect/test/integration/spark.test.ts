import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { SparkConnectError, SparkSession, SparkUnavailableError, T, functions as F, type StreamingQuery, type StreamingQueryEvent } from '../../src/index.js';

const remote = inject('sparkRemote');
const uniqueName = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;

let spark: SparkSession;

beforeAll(async () => {
  spark = await SparkSession.builder().remote(remote).getOrCreate();
});

afterAll(async () => {
  await spark?.stop();
});

describe('Spark Connect batch', () => {
  it('runs SELECT 1 AS one', async () => {
    expect(await spark.sql('SELECT 1 AS one').collect()).toEqual([{ one: 1 }]);
  });

  it('decodes spark.range(10) from Arrow', async () => {
    const rows = await spark.range(10).collect<{ id: number }>();
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await spark.range(10).count()).toBe(10);
  });

  it('reports the server version and schema', async () => {
    expect(await spark.version()).toMatch(/^4\./);
    const schema = await spark.range(1).withColumn('s', F.lit('x')).schema();
    expect(schema.toDDL()).toBe('`id` BIGINT NOT NULL, `s` STRING NOT NULL');
  });

  it('runs a select / withColumn / filter chain', async () => {
    const rows = await spark
      .range(20)
      .withColumn('sq', F.col('id').multiply(F.col('id')))
      .filter(F.col('id').ge(17))
      .select('id', 'sq', F.when(F.col('id').eq(18), 'even').otherwise('odd').alias('kind'))
      .orderBy('id')
      .collect();
    expect(rows).toEqual([
      { id: 17, sq: 289, kind: 'odd' },
      { id: 18, sq: 324, kind: 'even' },
      { id: 19, sq: 361, kind: 'odd' },
    ]);
  });

  it('coalesce(1) computes every row in one partition', async () => {
    const partitionsOf = async (df: ReturnType<typeof spark.range>) =>
      [...new Set((await df.select(F.spark_partition_id().alias('p')).collect<{ p: number }>()).map((r) => r.p))].sort();
    expect(await partitionsOf(spark.range(0, 12, 1, 3))).toEqual([0, 1, 2]);
    expect(await partitionsOf(spark.range(0, 12, 1, 3).coalesce(1))).toEqual([0]);
  });

  it('parses JSON with from_json and a StructType', async () => {
    const schema = T.struct(T.field('id', T.string, false), T.field('age', T.int), T.field('loc', T.struct(T.field('city', T.string))));
    const rows = await spark
      .sql(`SELECT '{"id":"u1","age":30,"loc":{"city":"Oslo"}}' AS v UNION ALL SELECT 'not json' AS v`)
      .withColumn('p', F.from_json(F.col('v'), schema))
      .select(
        F.col('p').getField('id').alias('id'),
        F.col('p.loc.city').alias('city'),
        F.when(F.col('p').isNull().or(F.col('p').getField('id').isNull()), 'bad').otherwise('ok').alias('status'),
        F.octet_length('v').alias('bytes'),
      )
      .collect();
    expect(rows).toEqual([
      { id: 'u1', city: 'Oslo', status: 'ok', bytes: 42 },
      { id: null, city: null, status: 'bad', bytes: 8 },
    ]);
  });

  it('converts Spark types to JS values', async () => {
    const [row] = await spark
      .sql(
        `SELECT 9007199254740993L AS big, CAST('-1.25' AS DECIMAL(10,2)) AS dec, TIMESTAMP'2024-01-02 03:04:05.123' AS ts,
                array(1, 2) AS arr, map('a', 1) AS m, named_struct('x', 1) AS st, CAST(NULL AS STRING) AS n, X'0102' AS bin`,
      )
      .collect();
    expect(row).toEqual({
      big: 9007199254740993n,
      dec: '-1.25',
      ts: new Date('2024-01-02T03:04:05.123Z'),
      arr: [1, 2],
      m: { a: 1 },
      st: { x: 1 },
      n: null,
      bin: new Uint8Array([1, 2]),
    });
  });

  it('gets and sets session config', async () => {
    await spark.conf.set('spark.sql.shuffle.partitions', 3);
    expect(await spark.conf.get('spark.sql.shuffle.partitions')).toBe('3');
    expect(await spark.conf.getOption('streamline.no.such.key')).toBeUndefined();
  });

  it('surfaces Spark SQL errors with their error class', async () => {
    const missingTable = await spark.sql('SELECT * FROM streamline_no_such_table').collect().catch((e: unknown) => e);
    expect(missingTable).toBeInstanceOf(SparkConnectError);
    expect(missingTable).toMatchObject({ errorClass: 'TABLE_OR_VIEW_NOT_FOUND', sqlState: '42P01' });

    const missingColumn = await spark.range(1).select('nope').collect().catch((e: unknown) => e);
    expect((missingColumn as SparkConnectError).errorClass).toMatch(/^UNRESOLVED_COLUMN/);
  });

  it('reports an unreachable server as SparkUnavailableError', async () => {
    const { hostname } = new URL(remote.replace(/^sc:/, 'http:'));
    const bad = await SparkSession.builder().remote(`sc://${hostname}:1`).retries(0).getOrCreate();
    try {
      const err = await bad.sql('SELECT 1').collect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SparkUnavailableError);
      expect((err as Error).message).toContain(`${hostname}:1`);
    } finally {
      await bad.stop();
    }
  });
});

describe('Spark Connect streaming', () => {
  let query: StreamingQuery | undefined;

  afterAll(async () => {
    if (query && (await query.isActive().catch(() => false))) await query.stop();
  });

  it('runs a rate -> memory query and controls it', async () => {
    const name = uniqueName('rate_to_memory');
    query = await spark.readStream
      .format('rate')
      .option('rowsPerSecond', 50)
      .load()
      .withColumn('doubled', F.col('value').multiply(2))
      .writeStream.format('memory')
      .queryName(name)
      .outputMode('append')
      .trigger({ processingTime: '500 milliseconds' })
      .option('checkpointLocation', path.join(os.tmpdir(), 'streamline-spark-it', name))
      .start();
    expect(query.name).toBe(name);
    expect(query.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(query.runId).toMatch(/^[0-9a-f-]{36}$/);
    const q = query;

    await vi.waitFor(
      async () => {
        const [row] = await spark.sql(`SELECT count(*) AS n FROM ${name}`).collect<{ n: number }>();
        expect(row?.n, `rows in memory table ${name}`).toBeGreaterThan(0);
      },
      { timeout: 60_000, interval: 250 },
    );
    const progress = await vi.waitFor(
      async () => {
        const p = await q.lastProgress();
        if (!p || p.numInputRows === 0) throw new Error('no progress report with input rows yet');
        return p;
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(progress).toMatchObject({ id: q.id, runId: q.runId, name });
    expect(progress.sources[0]?.description).toMatch(/Rate/i);
    expect((await q.recentProgress()).length).toBeGreaterThan(0);

    expect(await q.isActive()).toBe(true);
    expect(await q.exception()).toBeNull();
    expect(await q.awaitTermination(50)).toBe(false);
    const active = await spark.streams.active();
    expect(active.map((a) => a.id)).toContain(q.id);
    expect((await spark.streams.get(q.id))?.name).toBe(name);

    await q.stop();
    expect(await q.isActive()).toBe(false);
    expect(await q.awaitTermination(1_000)).toBe(true);
    expect((await spark.streams.active()).map((a) => a.id)).not.toContain(q.id);
  });

  it('keeps queries on the server-side session when another client reattaches by session id', async () => {
    const owner = await SparkSession.builder().remote(remote).getOrCreate();
    const name = uniqueName('keeper');
    const started = await owner.readStream.format('rate').load().writeStream.format('noop').queryName(name).start();
    owner.close(); // channel closed, session kept

    const keeper = await SparkSession.builder().remote(remote).sessionId(owner.sessionId).getOrCreate();
    try {
      const found = await keeper.streams.get(started.id);
      expect(found?.name).toBe(name);
      await found?.stop();
      expect(await keeper.streams.active()).toEqual([]);
    } finally {
      await keeper.stop();
    }
  });

  it('pushes progress and termination events of the session\'s queries (listener bus)', async () => {
    const session = await SparkSession.builder().remote(remote).getOrCreate();
    const events = session.streams.events();
    try {
      const first = events.next(); // registers the server-side listener
      const name = uniqueName('listened');
      const q = await session.readStream.format('rate').load().writeStream.format('noop').queryName(name).trigger({ processingTime: 200 }).start();
      const until = async (match: (e: StreamingQueryEvent) => boolean, pending = events.next()): Promise<StreamingQueryEvent> => {
        for (let r = await pending; ; r = await events.next()) {
          if (r.done) throw new Error('the event stream ended');
          if (match(r.value)) return r.value;
        }
      };
      const progress = await until((e) => e.type === 'progress' && e.progress.id === q.id, first);
      expect(progress).toMatchObject({ type: 'progress', progress: { id: q.id, runId: q.runId, name } });
      await q.stop();
      const terminated = await until((e) => e.type === 'terminated' && e.id === q.id);
      expect(terminated).toEqual({ type: 'terminated', id: q.id, runId: q.runId, exception: null, errorClass: null });
    } finally {
      await events.return(undefined);
      await session.stop();
    }
  });

  it('reports a failed query with Spark\'s error class: exception(), awaitTermination() and the terminated event', async () => {
    const session = await SparkSession.builder().remote(remote).getOrCreate();
    const events = session.streams.events();
    try {
      const registered = events.next();
      // Under ANSI mode (Spark 4's default) 'x0', 'x1', ... cannot be cast to INT: the first batch fails.
      const q = await session.readStream
        .format('rate')
        .load()
        .select(F.concat_ws('', F.lit('x'), F.col('value').cast(T.string)).cast(T.int).alias('bad'))
        .writeStream.format('noop')
        .queryName(uniqueName('failing'))
        .start();
      const failure = await q.awaitTermination(120_000).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SparkConnectError);
      expect((failure as SparkConnectError).errorClass).toBeTruthy();
      const exception = await q.exception();
      expect(exception?.message).toContain('CAST_INVALID_INPUT');
      expect(exception?.errorClass).toBe('STREAM_FAILED');
      for (let r = await registered; ; r = await events.next()) {
        if (r.done) throw new Error('the event stream ended');
        if (r.value.type === 'terminated' && r.value.id === q.id) {
          expect(r.value.exception).toContain('CAST_INVALID_INPUT');
          // The listener sees the error class of the cause, as PySpark's QueryTerminatedEvent.errorClassOnException.
          expect(r.value.errorClass).toBe('CAST_INVALID_INPUT');
          break;
        }
      }
    } finally {
      await events.return(undefined);
      await session.stop();
    }
  });
});

