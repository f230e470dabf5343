import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ENVELOPE_HEADERS, ENVELOPE_SCHEMA_VERSION, InvalidEnvelopeError, parseEnvelope, type MongoValidator } from '../../../src/model/index.js';
import { normalizeRecords, type RandomUserRecord } from '../../../src/source/index.js';
import { defaultConfig } from '../../../src/config/load.js';
import { PipelineUnknownTopicError } from '../../../src/pipeline/select.js';
import { BUILTIN_TOPICS as TOPIC_NAMES, builtinEnvelope, builtinSelection, builtinTopic } from '../../../harness/builtin-pipeline.js';

// The built-in pipeline's topics (pipelines/randomuser.ts) as the product derives them: its projections,
// envelopes and schemas through the pipeline code every pipeline goes through.
const projectUser = (record: RandomUserRecord, topic: string) => builtinTopic(topic).toRecords?.(record)[0] as Record<string, unknown> & { name: { first: string } };
const schemaOf = (topic: string) => builtinTopic(topic).schema;
const buildEnvelope = (topic: string, record: RandomUserRecord, m: { source: string; fetchedAt: Date | string; producedAt: Date | string }) => builtinEnvelope(topic, record, m) as { data: Record<string, unknown>; [key: string]: unknown };

const FIXTURE = new URL('../../fixtures/randomuser-1.4-sample.json', import.meta.url);
const user = normalizeRecords((JSON.parse(readFileSync(FIXTURE, 'utf8')) as { results: unknown[] }).results, { pii: 'keep' }).users[0] as RandomUserRecord;
const meta = { source: 'http://127.0.0.1/api/', fetchedAt: new Date('2024-05-01T10:00:00Z'), producedAt: '2024-05-01T10:00:01.500Z' };

const EXPECTED_KEYS: Record<string, string[]> = {
  'users.profile': ['name', 'gender', 'dob', 'nat', 'picture'],
  'users.location': ['street', 'city', 'state', 'country', 'postcode', 'coordinates', 'timezone'],
  'users.contact': ['email', 'phone', 'cell'],
  'users.account': ['username', 'registered'],
};

describe('topics', () => {
  it('are all produced by default: the configuration names no topics (all of the pipeline\'s)', () => {
    expect(defaultConfig().topics).toEqual([]);
    expect(builtinSelection(defaultConfig().topics).topics.map((t) => t.topic)).toEqual([...TOPIC_NAMES]);
  });

  it.each(TOPIC_NAMES)('%s: the projection has exactly its fields and validates', (topic) => {
    const data = projectUser(user, topic);
    expect(Object.keys(data)).toEqual(EXPECTED_KEYS[topic]);
    expect(schemaOf(topic).data.parse(data)).toEqual(data);
  });

  it('projects the right values', () => {
    expect(projectUser(user, 'users.location')).toMatchObject({ postcode: '68140', coordinates: { latitude: 77.9446, longitude: 154.7317 } });
    expect(projectUser(user, 'users.account')).toEqual({ username: 'happyswan852', registered: { date: '2015-05-24T00:39:35.317Z', age: 8 } });
    expect(projectUser(user, 'users.contact')).toEqual({ email: 'antonida.kaminska@example.com', phone: '(099) R90-8000', cell: '(099) X16-6755' });
    expect(projectUser(user, 'users.profile').name.first).toBe('Antonida');
  });

  it('a projection does not share objects with the user (mutating one cannot corrupt the other)', () => {
    const profile = projectUser(user, 'users.profile');
    profile.name.first = 'changed';
    expect(user.name.first).toBe('Antonida');
  });

  it('an unknown topic is a clear error listing the known ones', () => {
    expect(() => builtinSelection(['users.secrets'])).toThrow(PipelineUnknownTopicError);
    expect(() => builtinSelection(['users.secrets'])).toThrow(/unknown topic "users.secrets"; pipeline randomuser \(.*randomuser.ts\) has users.profile, users.location, users.contact, users.account/);
    expect(() => builtinSelection(['users.profile', 'nope', 'also.nope'])).toThrow(/"nope", "also.nope"/);
    expect(builtinSelection(['users.contact', 'users.contact', 'users.profile']).topics.map((t) => t.topic)).toEqual(['users.profile', 'users.contact']);
  });
});

describe('envelope', () => {
  it('wraps the projection with snake_case metadata keyed by the user id', () => {
    const envelope = buildEnvelope('users.contact', user, meta);
    expect(envelope).toEqual({
      schema_version: 1,
      source: 'http://127.0.0.1/api/',
      fetched_at: '2024-05-01T10:00:00.000Z',
      produced_at: '2024-05-01T10:00:01.500Z',
      id: '1577ccfc-a3c6-49d0-bb86-ddca8faf0d11',
      data: projectUser(user, 'users.contact'),
    });
    expect(ENVELOPE_SCHEMA_VERSION).toBe(1);
    expect(ENVELOPE_HEADERS).toEqual({ 'schema-version': '1', 'content-type': 'application/json' });
  });

  it.each(TOPIC_NAMES)('%s: a value round-trips through JSON text and bytes', (topic) => {
    const envelope = buildEnvelope(topic, user, meta);
    const text = JSON.stringify(envelope);
    expect(parseEnvelope(schemaOf(topic), text)).toEqual(envelope);
    expect(parseEnvelope(schemaOf(topic), new TextEncoder().encode(text))).toEqual(envelope);
  });

  it('rejects values that break the contract, saying why', () => {
    const envelope = buildEnvelope('users.account', user, meta);
    const account = schemaOf('users.account');
    expect(() => parseEnvelope(account, '{"schema_version":')).toThrow(InvalidEnvelopeError);
    expect(() => parseEnvelope(account, { ...envelope, schema_version: 2 })).toThrow(/schema_version/);
    expect(() => parseEnvelope(account, { ...envelope, data: { ...envelope.data, password: 'kathy' } })).toThrow(/password/);
    expect(() => parseEnvelope(account, { ...envelope, id: 'happyswan852' })).toThrow(/id/);
    expect(() => parseEnvelope(schemaOf('users.profile'), envelope)).toThrow(/invalid message value for topic users.profile/);
  });
});

describe('derived schemas', () => {
  const location = schemaOf('users.location');

  it('JSON Schema of the message value agrees with zod on real and broken values', () => {
    const envelope = buildEnvelope('users.location', user, meta);
    const fromJsonSchema = z.fromJSONSchema(location.envelopeJsonSchema as Parameters<typeof z.fromJSONSchema>[0]);
    expect(fromJsonSchema.safeParse(envelope).success).toBe(true);
    expect(fromJsonSchema.safeParse({ ...envelope, data: { ...envelope.data, postcode: 68140 } }).success).toBe(false);
    expect(fromJsonSchema.safeParse({ ...envelope, produced_at: 'later' }).success).toBe(false);
  });

  it('JSON Schema types the quirky fields as canonicalised', () => {
    const data = location.dataJsonSchema as { $schema: string; properties: Record<string, { type?: unknown; properties?: Record<string, { type: unknown }> }> };
    expect(data.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(data.properties.postcode?.type).toBe('string');
    expect(data.properties.coordinates?.properties?.latitude?.type).toBe('number');
    expect(location.envelopeJsonSchema.required).toEqual(['schema_version', 'source', 'fetched_at', 'produced_at', 'id', 'data']);
  });

  it('MongoDB validator describes the stored document: _id + fields + kafka + ingested_at + envelope times', () => {
    const schema = location.mongoValidator.$jsonSchema as { required: string[]; additionalProperties: boolean; properties: Record<string, Record<string, unknown>> };
    expect(schema.required).toEqual(['_id', 'kafka', 'ingested_at', 'fetched_at', 'produced_at', ...EXPECTED_KEYS['users.location']!]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties._id).toMatchObject({ bsonType: 'string' });
    expect(schema.properties.ingested_at).toMatchObject({ bsonType: 'date' });
    expect(schema.properties.kafka).toMatchObject({ bsonType: 'object', required: ['topic', 'partition', 'offset', 'timestamp'] });
    expect(schema.properties.postcode).toMatchObject({ bsonType: 'string' });
    expect(schema.properties.coordinates).toMatchObject({ properties: { latitude: { bsonType: 'number', minimum: -90, maximum: 90 } } });
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['schema_version', 'source']));
    expect(schema.required).not.toContain('schema_version');
  });

  it('MongoDB validator is usable where the driver wants a plain document', () => {
    expectTypeOf<MongoValidator>().toExtend<Record<string, unknown>>();
    expect(Object.keys(location.mongoValidator)).toEqual(['$jsonSchema']);
  });

  it('MongoDB validator of every topic types timestamps as ISO string or date', () => {
    const profile = schemaOf('users.profile').mongoValidator.$jsonSchema as { properties: { dob: { properties: { date: Record<string, unknown> } } } };
    expect(profile.properties.dob.properties.date).toMatchObject({ bsonType: ['string', 'date'], pattern: expect.any(String) });
  });
});
