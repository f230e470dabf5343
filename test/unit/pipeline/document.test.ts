import { describe, expect, it } from 'vitest';
import { STORED_DOCUMENT_EXTRA_PROPERTIES, type Fields } from '../../../src/model/index.js';
import { normalizeRecord, type RandomUserRecord } from '../../../src/source/index.js';
import { BUILTIN_TOPICS as TOPIC_NAMES, builtinEnvelope } from '../../../harness/builtin-pipeline.js';
import { storedDocument } from '../../../src/pipeline/document.js';
import { fromJsonLike, messageReason } from '../../../src/pipeline/evaluate.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { generateUsers } from '../../../src/source/randomuser/generate.js';
import devicesPipeline from '../../../pipelines/devices.js';
import ordersPipeline from '../../../pipelines/orders.js';
import randomuser from '../../../pipelines/randomuser.js';

const at = new Date('2026-12-04T20:00:00.000Z');
const kafka = (topic: string, offset: number) => ({ topic, partition: 2, offset, timestamp: at });
const meta = { source: 'randomuser:local', fetchedAt: '2026-12-04T19:59:59.000Z', producedAt: '2026-12-04T19:59:59.500Z' };
/** What from_json makes of a message value: the struct the streaming checks and the document read. */
const parsed = (value: unknown, envelope: Fields) => fromJsonLike(JSON.parse(JSON.stringify(value)) as object, envelope);

describe('storedDocument: the document a valid message becomes', () => {
  const pipeline = resolvePipeline(randomuser);
  const users = generateUsers({ seed: 'document', page: 1, results: 20, now: at }).map((raw) => {
    const outcome = normalizeRecord(raw, { pii: 'mask' });
    if (!outcome.ok) throw new Error(outcome.reason);
    return outcome.user;
  });

  it.each(TOPIC_NAMES)('%s (replace): _id = the user id, the projection at the top level, the meta; only keys the validator allows, every key it requires', (name) => {
    const topic = pipeline.topics.find((t) => t.topic === name)!;
    const validator = topic.schema.mongoValidator.$jsonSchema as { required: string[]; properties: Record<string, unknown> };
    users.forEach((user: RandomUserRecord, offset) => {
      const envelope = builtinEnvelope(name, user, meta);
      expect(messageReason(topic.schema.envelopeFields, { key: user.login.uuid, value: JSON.stringify(envelope) })).toBeNull();
      const document = storedDocument(topic, parsed(envelope, topic.schema.envelopeFields), kafka(name, offset), at);
      expect(document).toEqual({
        _id: user.login.uuid,
        ...topic.toRecords?.(user)[0],
        kafka: kafka(name, offset),
        ingested_at: at,
        fetched_at: meta.fetchedAt,
        produced_at: meta.producedAt,
        schema_version: 1,
        source: meta.source,
      });
      expect(Object.keys(document).filter((key) => !Object.hasOwn(validator.properties, key))).toEqual([]);
      expect(validator.required.filter((key) => !Object.hasOwn(document, key))).toEqual([]);
    });
    expect(Object.keys(STORED_DOCUMENT_EXTRA_PROPERTIES)).toEqual(expect.arrayContaining(['kafka', 'ingested_at']));
  });

  it('insert: _id is topic/partition/offset, so each Kafka record is its own document', () => {
    const history = resolvePipeline(ordersPipeline).topics.find((t) => t.topic === 'orders.history')!;
    const value = { schema_version: 1, source: 'http:orders', fetched_at: meta.fetchedAt, produced_at: meta.producedAt, id: 'o-1', data: { order_id: 'o-1', status: 'paid', seen_at: meta.fetchedAt } };
    expect(storedDocument(history, parsed(value, history.schema.envelopeFields), kafka('orders.history', 41), at)).toMatchObject({ _id: 'orders.history/2/41', order_id: 'o-1', status: 'paid' });
  });

  it('update: absent and null values are not written, at any depth (they merge into what is there)', () => {
    const status = resolvePipeline(devicesPipeline).topics.find((t) => t.topic === 'devices.status')!;
    const value = { schema_version: 1, source: 'file:a.ndjson', fetched_at: meta.fetchedAt, produced_at: meta.producedAt, id: 'd-1', data: { at: meta.fetchedAt, battery: 40, online: null, location: { lat: 1, lon: 2 } } };
    expect(messageReason(status.schema.envelopeFields, { key: 'd-1', value: JSON.stringify(value) })).toBeNull();
    const document = storedDocument(status, parsed(value, status.schema.envelopeFields), kafka('devices.status', 3), at);
    expect(document).toEqual({
      _id: 'd-1',
      at: meta.fetchedAt,
      battery: 40,
      location: { lat: 1, lon: 2 },
      kafka: kafka('devices.status', 3),
      ingested_at: at,
      fetched_at: meta.fetchedAt,
      produced_at: meta.producedAt,
      schema_version: 1,
      source: 'file:a.ndjson',
    });
  });
});
