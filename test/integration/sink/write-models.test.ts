import { MongoClient, type AnyBulkWriteOperation, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPath } from '../../../src/pipeline/paths.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { connectorWriteOptions } from '../../../src/pipeline/sink.js';
import { pipelineBindings, type TopicBinding } from '../../../src/stream/index.js';
import { leafPaths } from '../../../src/stream/queries.js';
import { testServices, uniqueName } from '../../support/services.js';
import devices from '../../../pipelines/devices.js';
import orders from '../../../pipelines/orders.js';

// The replay proof of plan-23 §b.4, on the integration tier's FerretDB, without Spark: the bulk operations the
// MongoDB Spark connector (10.5, MongoDataWriter.getWriteModel) makes of a micro-batch's rows under the
// options connectorWriteOptions gives each write model, applied as a failed first attempt (any prefix of the
// batch) and then the whole batch (Spark's replay from the same offsets), leave the collection exactly as one
// run of the batch does.

const INGESTED_AT = new Date('2026-12-05T00:00:00Z');
const bindingOf = (bindings: TopicBinding[], collection: string) => bindings.find((b) => b.collection === collection)!;

interface Row {
  key: string;
  offset: number;
  data: Record<string, unknown>;
}

/** The row the query writes for one record (a TS mirror of documentColumns): its `_id` and fields by write model. */
function documentOf(binding: TopicBinding, { key, offset, data }: Row): Document {
  const fields =
    binding.sink.write === 'update'
      ? Object.fromEntries(leafPaths(binding.schema.fields).map((path) => [path.join('.'), getPath(data, path.join('.')) ?? null]))
      : Object.fromEntries(Object.keys(binding.schema.fields).map((name) => [name, data[name] ?? null]));
  return {
    _id: binding.sink.write === 'insert' ? `${binding.topic}/0/${offset}` : key,
    ...fields,
    kafka: { topic: binding.topic, partition: 0, offset },
    ingested_at: INGESTED_AT,
  };
}

/** What the connector makes of the rows under these options: replace, or $set of the non-null fields. */
function bulkOf(options: Record<string, string>, documents: Document[]): AnyBulkWriteOperation[] {
  const upsert = options['spark.mongodb.upsertDocument'] === 'true';
  expect(options['spark.mongodb.idFieldList']).toBe('_id');
  return documents.map((doc) => {
    switch (options['spark.mongodb.operationType']) {
      case 'replace':
        return { replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert } };
      case 'update': {
        const { _id, ...rest } = doc;
        const set = options['spark.mongodb.ignoreNullValues'] === 'true' ? Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null)) : rest;
        return { updateOne: { filter: { _id }, update: { $set: set }, upsert } };
      }
      default:
        throw new Error(`no write model uses operationType ${options['spark.mongodb.operationType']}`);
    }
  });
}

let client: MongoClient;
const database = uniqueName('write_models');

beforeAll(async () => {
  client = await new MongoClient(testServices().mongoUri).connect();
});

afterAll(async () => {
  await client?.db(database).dropDatabase().catch(() => undefined);
  await client?.close();
});

/** Applies the batch as attempts (each a prefix of the rows, the last one whole) to a fresh collection; its documents by _id. */
async function afterAttempts(binding: TopicBinding, rows: Row[], attempts: number[]): Promise<Document[]> {
  const collection = client.db(database).collection(uniqueName(binding.collection));
  const options = connectorWriteOptions(binding.sink);
  const documents = rows.map((row) => documentOf(binding, row));
  for (const length of attempts) {
    const ops = bulkOf(options, documents.slice(0, length));
    if (ops.length > 0) await collection.bulkWrite(ops, { ordered: options['spark.mongodb.ordered'] === 'true' });
  }
  const stored = await collection.find({}).sort({ _id: 1 }).toArray();
  await collection.drop();
  return stored;
}

async function expectReplayExactlyOnce(binding: TopicBinding, rows: Row[]): Promise<Document[]> {
  const once = await afterAttempts(binding, rows, [rows.length]);
  for (let k = 0; k <= rows.length; k++) expect(await afterAttempts(binding, rows, [k, rows.length]), `prefix ${k} then the whole batch`).toEqual(once);
  return once;
}

describe('write models under a replayed micro-batch: any prefix, then the whole batch = the batch once', () => {
  it('replace: one document per key, the latest version of each', async () => {
    const binding = bindingOf(pipelineBindings(resolvePipeline(orders)), 'orders');
    const order = (id: string, status: string) => ({ id, status, placed_at: '2026-12-01T10:00:00.000Z', customer: { id: 'c-1', email: 'a@example.com', country: 'GB' }, total: 10 });
    const rows = [
      { key: 'o-1', offset: 0, data: order('o-1', 'placed') },
      { key: 'o-2', offset: 1, data: order('o-2', 'placed') },
      { key: 'o-1', offset: 2, data: order('o-1', 'paid') },
      { key: 'o-3', offset: 3, data: order('o-3', 'placed') },
      { key: 'o-1', offset: 4, data: order('o-1', 'shipped') },
      { key: 'o-2', offset: 5, data: order('o-2', 'cancelled') },
    ];
    const stored = await expectReplayExactlyOnce(binding, rows);
    expect(stored.map((d) => [d._id, d.status, (d.kafka as { offset: number }).offset])).toEqual([
      ['o-1', 'shipped', 4],
      ['o-2', 'cancelled', 5],
      ['o-3', 'placed', 3],
    ]);
  });

  it('insert: one document per Kafka record, keyed topic/partition/offset, in unordered bulks', async () => {
    const binding = bindingOf(pipelineBindings(resolvePipeline(orders)), 'order_history');
    expect(binding.sink.ordered).toBe(false);
    const rows = ['placed', 'paid', 'placed', 'shipped', 'paid'].map((status, offset) => ({ key: `o-${offset % 2}`, offset, data: { order_id: `o-${offset % 2}`, status, seen_at: '2026-12-01T10:00:00.000Z' } }));
    const stored = await expectReplayExactlyOnce(binding, rows);
    expect(stored.map((d) => [d._id, d.order_id, d.status])).toEqual(rows.map((r) => [`orders.history/0/${r.offset}`, r.data.order_id, r.data.status]));
  });

  it('update: every field its last value, partial nested objects merged, absent and null fields left as they were', async () => {
    const binding = bindingOf(pipelineBindings(resolvePipeline(devices)), 'devices');
    const rows: Row[] = [
      { key: 'd-1', offset: 0, data: { at: '2026-12-01T10:00:00.000Z', battery: 90, online: true, location: { lat: 1, lon: 2 } } },
      { key: 'd-2', offset: 1, data: { at: '2026-12-01T10:00:01.000Z', battery: 50 } },
      { key: 'd-1', offset: 2, data: { at: '2026-12-01T10:01:00.000Z', battery: 80 } },
      // Only one leaf of the nested object (a schema with optional nested fields sends such rows): its sibling stays.
      { key: 'd-1', offset: 3, data: { at: '2026-12-01T10:02:00.000Z', location: { lat: 3 }, battery: null } },
      { key: 'd-2', offset: 4, data: { at: '2026-12-01T10:02:01.000Z', online: false } },
      { key: 'd-1', offset: 5, data: { at: '2026-12-01T10:03:00.000Z', online: false } },
    ];
    const stored = await expectReplayExactlyOnce(binding, rows);
    expect(stored.map(({ kafka: _kafka, ingested_at: _at, ...d }) => d)).toEqual([
      { _id: 'd-1', at: '2026-12-01T10:03:00.000Z', battery: 80, online: false, location: { lat: 3, lon: 2 } },
      { _id: 'd-2', at: '2026-12-01T10:02:01.000Z', battery: 50, online: false },
    ]);
  });
});
