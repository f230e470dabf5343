import { describe, expect, it } from 'vitest';
import { functions as F } from '@streamline/spark-connect';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { expectedQueries, pipelineBindings, pipelineQueryPlan, recordRoutes, type TopicBinding } from '../../../src/stream/index.js';
import { leafPaths, MONGO_DOCUMENT_REJECTED } from '../../../src/stream/queries.js';
import devices from '../../../pipelines/devices.js';
import orders from '../../../pipelines/orders.js';
import { builtinBindings } from '../../../harness/builtin-pipeline.js';

const bindings = builtinBindings(['users.profile', 'users.contact']);
const mongo = { uri: 'mongodb://127.0.0.1:27017', database: 'db', maxBatchSize: 512 };

describe('the pipeline\'s queries', () => {
  it('per-topic: one query per topic, named as before (checkpoints keep their names); one: a single query for all', () => {
    expect(pipelineQueryPlan(bindings, 'per-topic')).toEqual([
      { name: 'ingest_users_profile', bindings: [bindings[0]] },
      { name: 'ingest_users_contact', bindings: [bindings[1]] },
    ]);
    expect(pipelineQueryPlan(bindings, 'one')).toEqual([{ name: 'ingest_all_topics', bindings }]);
    expect(expectedQueries(bindings, 'per-topic')).toEqual(['ingest_users_profile', 'ingest_users_contact']);
  });
});

describe('record routes', () => {
  it('a query of one topic: valid rows to its collection, rows with a reason to dead_letters, each upserting by _id', () => {
    const routes = recordRoutes([bindings[0]!], mongo);
    expect(routes.map((r) => [r.name, r.format, r.options?.['spark.mongodb.collection'], r.options?.['spark.mongodb.operationType']])).toEqual([
      ['users_profile', 'mongodb', 'users_profile', 'replace'],
      ['dead_letters', 'mongodb', 'dead_letters', 'replace'],
    ]);
    // The two conditions are each other's negation: every row lands in exactly one place.
    expect(JSON.stringify(routes[0]!.condition!.expr)).toContain('isnull');
    expect(JSON.stringify(routes[1]!.condition!.expr)).toContain('isnotnull');
    expect(routes[0]!.select!.length).toBeGreaterThan(5);
  });

  it('a query of all topics: each topic\'s valid rows to its own collection, by topic', () => {
    const routes = recordRoutes(bindings, mongo);
    expect(routes.map((r) => r.name)).toEqual(['users_profile', 'users_contact', 'dead_letters']);
    expect(JSON.stringify(routes[1]!.condition!.expr)).toContain(bindings[1]!.topic);
  });

  it('a document the store rejects goes to dead_letters with the store\'s reason; other write errors still fail the batch', () => {
    const [documents, deadLetters] = recordRoutes([bindings[0]!], mongo);
    expect(documents!.rejects).toEqual({ pattern: MONGO_DOCUMENT_REJECTED, route: 'dead_letters', reasonColumn: 'reason' });
    expect(deadLetters!.rejects).toBeUndefined();
    const pattern = new RegExp(MONGO_DOCUMENT_REJECTED);
    // What the MongoDB Java driver's MongoBulkWriteException says about a validator rejection and a duplicate key.
    expect(pattern.test("Write errors: [BulkWriteError{index=3, code=121, message='Document failed validation', details={}}].")).toBe(true);
    expect(pattern.test("Write errors: [BulkWriteError{index=0, code=11000, message='E11000 duplicate key error', details={}}].")).toBe(true);
    expect(pattern.test('Timed out after 30000 ms while waiting for a server that matches WritableServerSelector')).toBe(false);
    expect(pattern.test("Write errors: [BulkWriteError{index=0, code=91, message='shutdown in progress', details={}}].")).toBe(false);
  });
});

describe('write models: documents and connector options per collection', () => {
  const ordersBindings = pipelineBindings(resolvePipeline(orders));
  const devicesBindings = pipelineBindings(resolvePipeline(devices));
  const route = (bindings: TopicBinding[], collection: string) => recordRoutes(bindings, mongo).find((r) => r.name === collection)!;
  const columns = (r: ReturnType<typeof route>) => r.select!.map((c) => JSON.stringify(c.expr));
  const aliases = (r: ReturnType<typeof route>) => r.select!.map((c) => (c.expr.exprType.case === 'alias' ? c.expr.exprType.value.name[0] : undefined));

  it('replace: the connector replaces (upserting) by _id = the record key, in ordered bulks, where the target says', () => {
    const r = route(ordersBindings, 'orders');
    expect(r.options).toEqual({
      'spark.mongodb.maxBatchSize': '512',
      'spark.mongodb.connection.uri': mongo.uri,
      'spark.mongodb.database': 'db',
      'spark.mongodb.collection': 'orders',
      'spark.mongodb.operationType': 'replace',
      'spark.mongodb.idFieldList': '_id',
      'spark.mongodb.upsertDocument': 'true',
      'spark.mongodb.ordered': 'true',
    });
    expect(columns(r)[0]).not.toContain('concat_ws');
    expect(aliases(r)).toContain('customer');
  });

  it('insert: a replace-upsert (never the connector\'s insert, whose replay fails with E11000) on _id = topic/partition/offset, unordered as declared', () => {
    const r = route(ordersBindings, 'order_history');
    expect(r.options).toMatchObject({ 'spark.mongodb.operationType': 'replace', 'spark.mongodb.upsertDocument': 'true', 'spark.mongodb.ordered': 'false', 'spark.mongodb.idFieldList': '_id' });
    expect(aliases(r)[0]).toBe('_id');
    expect(columns(r)[0]).toContain('concat_ws');
    expect(aliases(r)).toEqual(expect.arrayContaining(['order_id', 'status', 'seen_at', 'kafka', 'ingested_at']));
  });

  it('update: $set of every leaf as a dotted path (nested objects merge), nulls ignored, ordered bulks', () => {
    const r = route(devicesBindings, 'devices');
    expect(r.options).toMatchObject({ 'spark.mongodb.operationType': 'update', 'spark.mongodb.ignoreNullValues': 'true', 'spark.mongodb.ordered': 'true', 'spark.mongodb.upsertDocument': 'true' });
    expect(aliases(r)).toEqual(expect.arrayContaining(['_id', 'location.lat', 'location.lon', 'battery', 'kafka']));
    expect(aliases(r)).not.toContain('location');
    expect(columns(r)[0]).not.toContain('concat_ws');
  });

  it('replace in unordered bulks first keeps each key\'s latest row (by partition, then offset); ordered bulks and other models do not', () => {
    const unordered = ordersBindings.map((b) => (b.collection === 'orders' ? { ...b, sink: { ...b.sink, ordered: false } } : b));
    const r = route(unordered, 'orders');
    expect(r.options).toMatchObject({ 'spark.mongodb.operationType': 'replace', 'spark.mongodb.ordered': 'false' });
    expect(JSON.stringify(r.dedupeLatestBy!.key.expr)).toContain('"id"');
    expect(r.dedupeLatestBy!.orderBy.map((c) => JSON.stringify(c.expr))).toEqual([JSON.stringify(F.col('partition').expr), JSON.stringify(F.col('offset').expr)]);
    expect(route(ordersBindings, 'orders').dedupeLatestBy).toBeUndefined();
    expect(route(ordersBindings, 'order_history').dedupeLatestBy).toBeUndefined();
    expect(route(devicesBindings, 'devices').dedupeLatestBy).toBeUndefined();
  });

  it('dead letters go to the pipeline\'s dead-letter collection, upserted by topic/partition/offset', () => {
    const renamed = ordersBindings.map((b) => ({ ...b, deadLetters: 'rejected_orders' }));
    const routes = recordRoutes(renamed, mongo);
    expect(routes.at(-1)!.name).toBe('rejected_orders');
    expect(routes.at(-1)!.options).toMatchObject({ 'spark.mongodb.collection': 'rejected_orders', 'spark.mongodb.operationType': 'replace', 'spark.mongodb.upsertDocument': 'true' });
    expect(routes[0]!.rejects).toMatchObject({ route: 'rejected_orders' });
  });

  it('leafPaths descends nested objects only', () => {
    expect(leafPaths(devicesBindings[0]!.schema.fields)).toContainEqual(['location', 'lat']);
    expect(leafPaths(devicesBindings[0]!.schema.fields)).toContainEqual(['battery']);
  });
});
