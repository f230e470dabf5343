import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  ENVELOPE_HEADERS,
  ENVELOPE_SCHEMA_VERSION,
  InvalidEnvelopeError,
  TOPIC_NAMES,
  TOPIC_SCHEMAS,
  UnknownTopicError,
  buildEnvelope,
  normalizeRecords,
  parseEnvelope,
  projectUser,
  resolveTopics,
  topicSchema,
  type MongoValidator,
  type NormalizedUser,
} from '../../../src/model/index.js';
import { DEFAULT_TOPICS } from '../../../src/config/index.js';

const FIXTURE = new URL('../../fixtures/randomuser-1.4-sample.json', import.meta.url);
const user = normalizeRecords((JSON.parse(readFileSync(FIXTURE, 'utf8')) as { results: unknown[] }).results, { pii: 'keep' }).users[0] as NormalizedUser;
const meta = { source: 'http://127.0.0.1/api/', fetchedAt: new Date('2024-05-01T10:00:00Z'), producedAt: '2024-05-01T10:00:01.500Z' };

const EXPECTED_KEYS: Record<string, string[]> = {
  'users.profile': ['name', 'gender', 'dob', 'nat', 'picture'],
  'users.location': ['street', 'city', 'state', 'country', 'postcode', 'coordinates', 'timezone'],
  'users.contact': ['email', 'phone', 'cell'],
  'users.account': ['username', 'registered'],
};

describe('topics', () => {
  it('cover the default topic list of the configuration', () => {
    expect([...TOPIC_NAMES].sort()).toEqual([...DEFAULT_TOPICS].sort());
  });

  it.each(TOPIC_NAMES)('%s: the projection has exactly its fields and validates', (topic) => {
    const data = projectUser(user, topic);
    expect(Object.keys(data)).toEqual(EXPECTED_KEYS[topic]);
    expect(TOPIC_SCHEMAS[topic].data.parse(data)).toEqual(data);
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
    expect(() => projectUser(user, 'users.secrets')).toThrow(UnknownTopicError);
    expect(() => topicSchema('users.secrets')).toThrow(
      'unknown topic "users.secrets": each topic needs a projection; known topics are users.profile, users.location, users.contact, users.account',
    );
    expect(() => resolveTopics(['users.profile', 'nope', 'also.nope'])).toThrow(/"nope", "also.nope"/);
    expect(resolveTopics(['users.contact', 'users.contact', 'users.profile'])).toEqual(['users.contact', 'users.profile']);
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
    expect(parseEnvelope(topic, text)).toEqual(envelope);
    expect(parseEnvelope(topic, new TextEncoder().encode(text))).toEqual(envelope);
  });

  it('rejects values that break the contract, saying why', () => {
    const envelope = buildEnvelope('users.account', user, meta);
    expect(() => parseEnvelope('users.account', '{"schema_version":')).toThrow(InvalidEnvelopeError);
    expect(() => parseEnvelope('users.account', { ...envelope, schema_version: 2 })).toThrow(/schema_version/);
    expect(() => parseEnvelope('users.account', { ...envelope, data: { ...envelope.data, password: 'kathy' } })).toThrow(/password/);
    expect(() => parseEnvelope('users.account', { ...envelope, id: 'happyswan852' })).toThrow(/id/);
    expect(() => parseEnvelope('users.profile', envelope)).toThrow(/invalid message value for topic users.profile/);
  });
});

describe('derived schemas', () => {
  const location = TOPIC_SCHEMAS['users.location'];

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
    const profile = TOPIC_SCHEMAS['users.profile'].mongoValidator.$jsonSchema as { properties: { dob: { properties: { date: Record<string, unknown> } } } };
    expect(profile.properties.dob.properties.date).toMatchObject({ bsonType: ['string', 'date'], pattern: expect.any(String) });
  });
});
