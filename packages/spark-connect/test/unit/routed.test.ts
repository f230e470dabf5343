import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { ExpressionSchema, type Expression } from '../../src/gen/spark/connect/expressions_pb.js';
import { RelationSchema, type Relation } from '../../src/gen/spark/connect/relations_pb.js';
import { ROUTED_FOREACH_BATCH_TYPE_URL, SparkError, type Column, SparkSession, functions as F, type BatchRoute } from '../../src/index.js';

// Plan building never talks to the server: this session points at a closed port and makes no call.
const spark = await SparkSession.builder().remote('sc://127.0.0.1:9').getOrCreate();
afterAll(() => spark.close());

/**
 * Reads the plugin's message the way the plugin does (runtime/connect-plugin RoutedForeachBatch.java,
 * after routed_foreach_batch.proto): field numbers and wire types are the contract under test.
 */
interface DecodedRoute {
  name: string;
  condition?: Expression;
  projection: Expression[];
  format: string;
  options: Record<string, string>;
  rejects?: { pattern?: string; route?: string; reasonColumn?: string };
  latest?: { key?: Expression; orderBy: Expression[] };
  failAfterWriteOnce?: string;
}
interface Decoded {
  input?: Relation;
  queryName: string;
  interval: string;
  availableNow: boolean;
  options: Record<string, string>;
  routes: DecodedRoute[];
}

function entry(bytes: Uint8Array): [string, string] {
  const r = new BinaryReader(bytes);
  let key = '';
  let value = '';
  while (r.pos < r.len) {
    const [field, type] = r.tag();
    if (field === 1) key = r.string();
    else if (field === 2) value = r.string();
    else r.skip(type);
  }
  return [key, value];
}

function decodeLatest(bytes: Uint8Array): NonNullable<DecodedRoute['latest']> {
  const r = new BinaryReader(bytes);
  const latest: NonNullable<DecodedRoute['latest']> = { orderBy: [] };
  while (r.pos < r.len) {
    const [field, type] = r.tag();
    if (field === 1) latest.key = fromBinary(ExpressionSchema, r.bytes());
    else if (field === 2) latest.orderBy.push(fromBinary(ExpressionSchema, r.bytes()));
    else r.skip(type);
  }
  return latest;
}

function decodeRoute(bytes: Uint8Array): DecodedRoute {
  const r = new BinaryReader(bytes);
  const route: DecodedRoute = { name: '', projection: [], format: '', options: {} };
  while (r.pos < r.len) {
    const [field, type] = r.tag();
    if (field === 1) route.name = r.string();
    else if (field === 2) route.condition = fromBinary(ExpressionSchema, r.bytes());
    else if (field === 3) route.projection.push(fromBinary(ExpressionSchema, r.bytes()));
    else if (field === 4) route.format = r.string();
    else if (field === 5) {
      const [k, v] = entry(r.bytes());
      route.options[k] = v;
    } else if (field === 6) route.rejects = { ...route.rejects, pattern: r.string() };
    else if (field === 7) route.rejects = { ...route.rejects, route: r.string() };
    else if (field === 8) route.rejects = { ...route.rejects, reasonColumn: r.string() };
    else if (field === 9) route.latest = decodeLatest(r.bytes());
    else if (field === 10) route.failAfterWriteOnce = r.string();
    else r.skip(type);
  }
  return route;
}

function decode(bytes: Uint8Array): Decoded {
  const r = new BinaryReader(bytes);
  const d: Decoded = { queryName: '', interval: '', availableNow: false, options: {}, routes: [] };
  while (r.pos < r.len) {
    const [field, type] = r.tag();
    if (field === 1) d.input = fromBinary(RelationSchema, r.bytes());
    else if (field === 2) d.queryName = r.string();
    else if (field === 3) d.interval = r.string();
    else if (field === 4) {
      expect(type).toBe(WireType.Varint);
      d.availableNow = r.bool();
    } else if (field === 5) {
      const [k, v] = entry(r.bytes());
      d.options[k] = v;
    } else if (field === 6) d.routes.push(decodeRoute(r.bytes()));
    else r.skip(type);
  }
  return d;
}

describe('routed foreachBatch command', () => {
  const df = spark.readStream.format('rate').load();
  const even = F.col('value').gt(10);
  const routes: BatchRoute[] = [
    { name: 'even', condition: even, select: [F.col('value'), F.col('timestamp').alias('at')], format: 'mongodb', options: { 'spark.mongodb.collection': 'even' } },
    { name: 'rest', condition: even.not(), format: 'parquet', options: { path: '/tmp/rest' }, rejects: { pattern: 'code=(121|11000)', route: 'all', reasonColumn: 'why' } },
    { name: 'all', format: 'noop' },
  ];

  it('is the plugin command as Command.extension, carrying the input plan, trigger, options and routes in order', () => {
    const cmd = df.writeStream
      .queryName('routed')
      .trigger({ processingTime: '2 seconds' })
      .checkpointLocation('/tmp/ck')
      .foreachBatchRoutes(routes)
      .toCommand();
    expect(cmd.commandType.case).toBe('extension');
    if (cmd.commandType.case !== 'extension') return;
    expect(cmd.commandType.value.typeUrl).toBe(ROUTED_FOREACH_BATCH_TYPE_URL);
    const d = decode(cmd.commandType.value.value);
    expect(d.input).toEqual(df.plan);
    expect(d).toMatchObject({ queryName: 'routed', interval: '2 seconds', availableNow: false, options: { checkpointLocation: '/tmp/ck' } });
    expect(d.routes).toEqual([
      { name: 'even', condition: even.expr, projection: [F.col('value').expr, F.col('timestamp').alias('at').expr], format: 'mongodb', options: { 'spark.mongodb.collection': 'even' } },
      { name: 'rest', condition: even.not().expr, projection: [], format: 'parquet', options: { path: '/tmp/rest' }, rejects: { pattern: 'code=(121|11000)', route: 'all', reasonColumn: 'why' } },
      { name: 'all', projection: [], format: 'noop', options: {} },
    ]);
  });

  it('carries a route\'s latest-per-key reduction (key, then the order expressions in order) and the test-only failure marker', () => {
    const [key, partition, offset] = [F.col('id'), F.col('partition'), F.col('offset')];
    const cmd = df.writeStream
      .foreachBatchRoutes([
        { name: 'latest', format: 'noop', dedupeLatestBy: { key, orderBy: [partition, offset] }, testOnlyFailAfterWriteOnce: { marker: '/tmp/failed-once' } },
        { name: 'every', format: 'noop' },
      ])
      .toCommand().commandType;
    expect(cmd.case).toBe('extension');
    if (cmd.case !== 'extension') return;
    const [latest, every] = decode(cmd.value.value).routes;
    expect(latest).toMatchObject({ latest: { key: key.expr, orderBy: [partition.expr, offset.expr] }, failAfterWriteOnce: '/tmp/failed-once' });
    expect(every).not.toHaveProperty('latest');
    expect(every).not.toHaveProperty('failAfterWriteOnce');
  });

  it('carries an available-now trigger and leaves an unset trigger and name out', () => {
    const once = df.writeStream.trigger({ availableNow: true }).foreachBatchRoutes(routes).toCommand().commandType;
    expect(once.case === 'extension' && decode(once.value.value)).toMatchObject({ availableNow: true, interval: '' });
    const plain = df.writeStream.foreachBatchRoutes(routes).toCommand().commandType;
    expect(plain.case === 'extension' && decode(plain.value.value)).toMatchObject({ availableNow: false, interval: '', queryName: '' });
  });

  it('refuses what a routed query cannot do', () => {
    expect(() => df.writeStream.foreachBatchRoutes([])).toThrow(SparkError);
    expect(() => df.writeStream.foreachBatchRoutes([routes[2]!, routes[2]!])).toThrow(/unique/);
    expect(() => df.writeStream.foreachBatchRoutes([{ ...routes[1]!, rejects: { pattern: 'x', route: 'elsewhere', reasonColumn: 'why' } }])).toThrow(/'elsewhere', which is not one of the routes/);
    expect(() => df.writeStream.foreachBatchRoutes([{ ...routes[2]!, dedupeLatestBy: { key: F.col('id'), orderBy: [] as unknown as [Column] } }])).toThrow(/gives no orderBy/);
    expect(() => df.writeStream.format('memory').foreachBatchRoutes(routes).toCommand()).toThrow(/drop format\('memory'\)/);
    expect(() => df.writeStream.outputMode('complete').foreachBatchRoutes(routes).toCommand()).toThrow(/append only/);
  });
});
