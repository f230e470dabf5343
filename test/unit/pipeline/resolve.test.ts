import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePipeline, file, httpJson, integer, kafka, nullable, object, optional, string } from '../../../src/pipeline/index.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import devicesPipeline from '../../../pipelines/devices.js';
import ordersPipeline from '../../../pipelines/orders.js';

const orders = resolvePipeline(ordersPipeline);
const devices = resolvePipeline(devicesPipeline);
const topic = (p: typeof orders, name: string) => p.topics.find((t) => t.topic === name)!;

const ORDER = {
  id: 'o-1',
  status: 'paid',
  placed_at: '2026-12-01T10:00:00.000Z',
  customer: { id: 'c-9', email: 'ann@example.com', country: 'GB' },
  lines: [
    { sku: 'A', qty: 2, unit_price: 5 },
    { sku: 'B', qty: 1, unit_price: 7.5 },
  ],
};

describe('resolvePipeline: orders (httpJson, explode, composite key, insert)', () => {
  it('projects an order into one order record, keyed by the pipeline key', () => {
    const t = topic(orders, 'orders');
    const records = t.toRecords!(ORDER);
    expect(records).toEqual([{ status: 'paid', placed_at: ORDER.placed_at, customer: ORDER.customer, line_count: 2, total: 17.5 }]);
    expect(t.recordKey(ORDER, records[0])).toBe('o-1');
    expect([t.key, t.keyFrom]).toEqual([['id'], 'source']);
  });

  it('explodes the lines, each keyed order_id/line from its own record', () => {
    const t = topic(orders, 'orders.lines');
    const records = t.toRecords!(ORDER);
    expect(records).toEqual([
      { order_id: 'o-1', line: 0, sku: 'A', qty: 2, unit_price: 5 },
      { order_id: 'o-1', line: 1, sku: 'B', qty: 1, unit_price: 7.5 },
    ]);
    expect(records.map((r) => t.recordKey(ORDER, r))).toEqual(['o-1/0', 'o-1/1']);
    expect(t.toRecords!({ ...ORDER, lines: [] })).toEqual([]);
    expect(() => t.recordKey(ORDER, { order_id: 'o-1' })).toThrow('topic orders.lines: key line is absent, not a string or number');
    expect([t.key, t.keyFrom]).toEqual([['order_id', 'line'], 'topic']);
  });

  it('make is the strict parse: a projection that breaks the fields throws, naming the field', () => {
    expect(() => topic(orders, 'orders.lines').toRecords!({ ...ORDER, lines: [{ sku: '', qty: 1, unit_price: 1 }] })).toThrow(/sku/);
    expect(() => topic(orders, 'orders').toRecords!({ ...ORDER, customer: { ...ORDER.customer, country: 'gb' } })).toThrow(/country/);
  });

  it('resolves the sink: database, collection names, write models and their connector options, indexes', () => {
    const sinks = Object.fromEntries(orders.topics.map((t) => [t.topic, t.sink]));
    expect(sinks.orders).toMatchObject({ database: 'shop', collection: 'orders', write: 'replace', upsert: true, ordered: true });
    expect(sinks['orders.lines']).toMatchObject({ collection: 'order_lines', write: 'replace' });
    expect(sinks['orders.history']).toMatchObject({ collection: 'order_history', write: 'insert', upsert: true, ordered: false });
    expect(sinks['orders.history']!.writeOptions).toEqual({
      'spark.mongodb.collection': 'order_history',
      'spark.mongodb.idFieldList': '_id',
      'spark.mongodb.ordered': 'false',
      'spark.mongodb.operationType': 'replace',
      'spark.mongodb.upsertDocument': 'true',
    });
    expect(sinks.orders!.indexes).toEqual([
      { name: 'customer.id_1_placed_at_-1', key: { 'customer.id': 1, placed_at: -1 } },
      { name: 'status_1', key: { status: 1 } },
      { name: 'ingested_at', key: { ingested_at: -1 } },
    ]);
  });

  it('hashes and masks PII by path, leaving the record it was given alone', () => {
    const masked = orders.protect(ORDER, { pii: 'mask' }) as typeof ORDER;
    expect(masked.customer.email).toBe('a***@example.com');
    expect(ORDER.customer.email).toBe('ann@example.com');
    expect(orders.protect(ORDER, { pii: 'keep' })).toEqual(ORDER);
    expect((orders.protect(ORDER, { pii: 'hash', piiSalt: 's' }) as typeof ORDER).customer.email).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a zod-described record has no key descriptor: the envelope id is any non-empty string', () => {
    const id = topic(orders, 'orders').schema.envelopeFields.id;
    expect(id).toMatchObject({ kind: 'string', minLength: 1 });
    expect(id.format).toBeUndefined();
  });
});

describe('resolvePipeline: devices (file, pick, update)', () => {
  const t = topic(devices, 'devices.status');

  it('a topic without a projection picks its declared fields, deep, and keeps absent ones absent', () => {
    const line = { device_id: 'd-1', at: '2026-12-01T10:00:00Z', battery: 40, label: 'kitchen', location: { lat: 1, lon: 2 } };
    expect(t.toRecords!(line)).toEqual([{ at: line.at, battery: 40, location: { lat: 1, lon: 2 } }]);
    expect(t.toRecords!({ device_id: 'd-1', at: line.at })).toEqual([{ at: line.at }]);
    expect(t.recordKey(line, t.toRecords!(line)[0])).toBe('d-1');
  });

  it('the key field descriptor (minLength 1) is the envelope id; update is ordered, with ignoreNullValues', () => {
    expect(t.schema.envelopeFields.id).toMatchObject({ kind: 'string', minLength: 1, nullable: false, optional: false });
    expect(t.sink).toMatchObject({ collection: 'devices', write: 'update', upsert: true, ordered: true });
    expect(t.sink.writeOptions).toMatchObject({ 'spark.mongodb.operationType': 'update', 'spark.mongodb.ignoreNullValues': 'true', 'spark.mongodb.ordered': 'true' });
    expect(t.sink.indexes.map((i) => i.name)).toEqual(['online_1_at_-1', 'ingested_at']);
  });
});

describe('resolvePipeline: privacy by path, kafka sources, the digest', () => {
  const record = { id: 'k-1', note: 'call me on 0123', secret: 'x', gone: 'y', nested: { phone: '+44 20 7946 0958' } };
  const definition = (extra: { upsert?: boolean; field?: boolean } = {}) =>
    definePipeline({
      name: 'privacy',
      source: file({
        path: 'x.ndjson',
        format: 'ndjson',
        record: { id: string({ minLength: 1 }), note: string(), secret: nullable(string()), gone: optional(string()), nested: object({ phone: string() }) },
      }),
      key: 'id',
      pii: { note: { kind: 'text', policy: 'mask' }, 'nested.phone': 'phone' },
      drop: ['secret', 'gone'],
      topics: { notes: { fields: extra.field ? { note: string(), more: optional(integer()) } : { note: string() } } },
      sink: { collections: { notes: { upsert: extra.upsert ?? true } } },
    });

  it('a forced policy ignores the run\'s; drop deletes an optional path and nulls a nullable one', () => {
    const protectedRecord = resolvePipeline(definition()).protect(record, { pii: 'keep' });
    expect(protectedRecord).toEqual({ id: 'k-1', note: 'c*** ** ** **23', secret: null, nested: { phone: '+44 20 7946 0958' } });
    expect((resolvePipeline(definition()).protect(record, { pii: 'hash', piiSalt: 's' }) as typeof record).nested.phone).toMatch(/^[0-9a-f]{64}$/);
  });

  it('drop on a zod record: deleted when the schema allows absence, else nulled', () => {
    const p = definePipeline({
      name: 'zodded',
      source: httpJson({ url: 'http://127.0.0.1:1/x', record: z.object({ id: z.string(), a: z.string().optional(), b: z.string().nullable() }) }),
      key: 'id',
      drop: ['a', 'b'],
      topics: { t: { fields: { id: string() } } },
    });
    expect(resolvePipeline(p).protect({ id: '1', a: 'x', b: 'y' }, { pii: 'keep' })).toEqual({ id: '1', b: null });
  });

  it('a kafka() source has no toRecords; its topics key their own records', () => {
    const p = definePipeline({ name: 'fed', source: kafka(), topics: { events: { fields: { event_id: string({ format: 'uuid' }), n: integer() }, key: 'event_id' } } });
    const [events] = resolvePipeline(p).topics;
    expect(events!.toRecords).toBeUndefined();
    expect(events!.keyFrom).toBe('topic');
    expect(events!.recordKey(undefined, { event_id: 'e', n: 1 })).toBe('e');
    expect(events!.schema.envelopeFields.id).toMatchObject({ format: 'uuid' });
  });

  it('the digest is stable and changes with the fields, the write model or the key', () => {
    const base = resolvePipeline(definition()).digest;
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(resolvePipeline(definition()).digest).toBe(base);
    expect(resolvePipeline(definition({ field: true })).digest).not.toBe(base);
    expect(resolvePipeline(definition({ upsert: false })).digest).not.toBe(base);
    expect(orders.digest).not.toBe(devices.digest);
    const rekeyed = definePipeline({ ...rekeyable(), key: 'other' });
    expect(resolvePipeline(rekeyed).digest).not.toBe(resolvePipeline(definePipeline({ ...rekeyable(), key: 'id' })).digest);
  });
});

/** A small definition whose key can be switched between two string fields. */
function rekeyable() {
  return {
    name: 'rekey',
    source: file({ path: 'x.ndjson', format: 'ndjson' as const, record: { id: string(), other: string() } }),
    key: 'id' as 'id' | 'other',
    topics: { t: { fields: { id: string(), other: string() } } },
  };
}
