import { readFileSync } from 'node:fs';
import { functions as F } from '@streamline/spark-connect';
import { describe, expect, it } from 'vitest';
import { PII_POLICIES, type PiiPolicy } from '../../../src/model/index.js';
import { normalizeRecord, type RandomUserRecord } from '../../../src/source/index.js';
import { resolvePipeline } from '../../../src/pipeline/resolve.js';
import { generateUsers } from '../../../src/source/randomuser/generate.js';
import { sparkSchema } from '../../../src/stream/spark-schema.js';
import { messageChecks } from '../../../src/stream/validation.js';
import randomuser from '../../../pipelines/randomuser.js';

// pipelines/randomuser.ts, resolved, must be the Random User model main had before #23 (src/model/topics.ts and
// src/sink/collections.ts, since deleted): the same derivations (the frozen fixture), collections and indexes,
// and the same records out of the same users under every PII policy (main's projections, copied below).
const pipeline = resolvePipeline(randomuser);
const FROZEN = JSON.parse(readFileSync(new URL('../../fixtures/randomuser-derivations.json', import.meta.url), 'utf8')) as Record<string, { mongoValidator: unknown; dataJsonSchema: unknown; sparkDdl: string; checkReasons: string[] }>;
const cols = { json: F.col('json'), key: F.col('key'), msg: F.col('msg') };
const TOPIC_NAMES = ['users.profile', 'users.location', 'users.contact', 'users.account'] as const;
type TopicName = (typeof TOPIC_NAMES)[number];
const resolved = (topic: TopicName) => pipeline.topics.find((t) => t.topic === topic)!;

/** main's projections (src/model/topics.ts PROJECTIONS before #23), frozen here as the reference. */
const MAIN_PROJECTIONS: Record<TopicName, (user: RandomUserRecord) => Record<string, unknown>> = {
  'users.profile': (user) => ({ name: { ...user.name }, gender: user.gender, dob: { ...user.dob }, nat: user.nat, picture: { ...user.picture } }),
  'users.location': ({ location }) => ({
    street: { number: location.street.number, name: location.street.name },
    city: location.city,
    state: location.state,
    country: location.country,
    postcode: location.postcode,
    coordinates: { latitude: location.coordinates.latitude, longitude: location.coordinates.longitude },
    timezone: { offset: location.timezone.offset, description: location.timezone.description },
  }),
  'users.contact': (user) => ({ email: user.email, phone: user.phone, cell: user.cell }),
  'users.account': (user) => ({ username: user.login.username, registered: { ...user.registered } }),
};

/** main's collections and indexes (src/sink/collections.ts before #23). */
const MAIN_COLLECTIONS: Record<TopicName, { collection: string; indexes: { name: string; key: Record<string, 1 | -1> }[] }> = {
  'users.profile': { collection: 'users_profile', indexes: [{ name: 'name_last_first', key: { 'name.last': 1, 'name.first': 1 } }, { name: 'nat', key: { nat: 1 } }] },
  'users.location': { collection: 'users_location', indexes: [{ name: 'country_city', key: { country: 1, city: 1 } }, { name: 'postcode', key: { postcode: 1 } }] },
  'users.contact': { collection: 'users_contact', indexes: [{ name: 'email', key: { email: 1 } }] },
  'users.account': { collection: 'users_account', indexes: [{ name: 'username', key: { username: 1 } }] },
};
/** A schema without its `description`s. */
function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'description').map(([key, inner]) => [key, withoutDescriptions(inner)]));
}
const projectUser = (user: RandomUserRecord, topic: string) => MAIN_PROJECTIONS[topic as TopicName](user);
const SALT = 'parity-salt';
const NOW = new Date('2026-12-01T00:00:00Z');

/** A few hundred generated users as the API sends them, several seeds. */
const rawUsers = ['parity-a', 'parity-b', 'parity-c'].flatMap((seed) => generateUsers({ seed, page: 1, results: 100, now: NOW }));

function normalized(raw: unknown, pii: PiiPolicy): RandomUserRecord {
  const outcome = normalizeRecord(raw, { pii, piiSalt: SALT });
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.user;
}

describe('pipelines/randomuser.ts resolved = the Random User model of main before #23', () => {
  it('has the four topics, in order, keyed by login.uuid from the source record', () => {
    expect(pipeline.topics.map((t) => t.topic)).toEqual([...TOPIC_NAMES]);
    expect(pipeline.topics.map((t) => t.kafkaTopic)).toEqual([...TOPIC_NAMES]);
    for (const topic of pipeline.topics) expect([topic.key, topic.keyFrom]).toEqual([['login.uuid'], 'source']);
  });

  it.each(TOPIC_NAMES)('%s: fields, JSON Schemas, MongoDB validator, Spark DDL and check reasons are identical', (name) => {
    const { schema } = resolved(name);
    // #23 reworded the descriptions of _id and fetched_at (a record, not a user): nothing else may move.
    expect(withoutDescriptions(schema.mongoValidator)).toEqual(withoutDescriptions(FROZEN[name]!.mongoValidator));
    expect(schema.dataJsonSchema).toEqual(FROZEN[name]!.dataJsonSchema);
    expect(sparkSchema(schema.envelopeFields).toDDL()).toBe(FROZEN[name]!.sparkDdl);
    const reasons = messageChecks(schema.envelopeFields, cols).map((c) => c.reason);
    expect(reasons).toEqual(FROZEN[name]!.checkReasons);
    expect(reasons).toContain('not a UUID: id');
  });

  it.each(TOPIC_NAMES)('%s: collection, indexes and write model are today\'s', (name) => {
    const { sink } = resolved(name);
    expect(sink.collection).toBe(MAIN_COLLECTIONS[name].collection);
    expect(sink.indexes).toEqual([...MAIN_COLLECTIONS[name].indexes, { name: 'ingested_at', key: { ingested_at: -1 } }]);
    expect([sink.write, sink.upsert, sink.ordered, sink.validator]).toEqual(['replace', true, true, true]);
    expect(sink.writeOptions).toMatchObject({ 'spark.mongodb.operationType': 'replace', 'spark.mongodb.upsertDocument': 'true', 'spark.mongodb.idFieldList': '_id' });
    expect(sink.database).toBeUndefined();
    expect(pipeline.deadLetters).toBe('dead_letters');
  });

  it.each(PII_POLICIES)('toRecords of %s-protected users deep-equals projectUser, topic by topic, for 300 generated users', (policy) => {
    expect(rawUsers.length).toBeGreaterThanOrEqual(300);
    for (const raw of rawUsers) {
      const today = normalized(raw, policy);
      const record = pipeline.protect(normalized(raw, 'keep'), { pii: policy, piiSalt: SALT });
      expect(record).toEqual(today);
      for (const topic of pipeline.topics) {
        const records = topic.toRecords!(record);
        expect(records).toEqual([projectUser(today, topic.topic)]);
        expect(topic.recordKey(record, records[0])).toBe(today.login.uuid);
      }
    }
  });

  it('protect leaves its input alone, and a hash is the same in every topic (joins still work)', () => {
    const user = normalized(rawUsers[0], 'keep');
    const before = structuredClone(user);
    const hashed = pipeline.protect(user, { pii: 'hash', piiSalt: SALT }) as RandomUserRecord;
    expect(user).toEqual(before);
    expect(hashed.email).toMatch(/^[0-9a-f]{64}$/);
    expect(resolved('users.contact').toRecords!(hashed)[0]).toMatchObject({ email: hashed.email });
  });

  it.each(TOPIC_NAMES)('%s: zod accepts and refuses the data and envelopes main did', (name) => {
    const { schema } = resolved(name);
    const data = projectUser(normalized(rawUsers[1], 'keep'), name) as Record<string, unknown>;
    const [firstKey] = Object.keys(data) as [string];
    const variants: unknown[] = [
      data,
      { ...data, extra: 1 },
      { ...data, [firstKey]: null },
      Object.fromEntries(Object.entries(data).slice(1)),
      { ...data, [firstKey]: 42 },
      JSON.parse(JSON.stringify(data).replace(/"[^"]*Z"/, '"yesterday"')),
    ];
    const meta = { schema_version: 1, source: 'randomuser:local', fetched_at: '2026-12-01T00:00:00.000Z', produced_at: '2026-12-01T00:00:01.000Z' };
    const envelopes: unknown[] = [
      { ...meta, id: '1577ccfc-a3c6-49d0-bb86-ddca8faf0d11', data },
      { ...meta, id: 'not-a-uuid', data },
      { ...meta, id: '1577ccfc-a3c6-49d0-bb86-ddca8faf0d11', data: { ...data, password: 'x' } },
      { ...meta, schema_version: 2, id: '1577ccfc-a3c6-49d0-bb86-ddca8faf0d11', data },
    ];
    expect(variants.map((v) => schema.data.safeParse(v).success).slice(0, 5)).toEqual([true, false, false, false, false]);
    expect(envelopes.map((v) => schema.envelope.safeParse(v).success)).toEqual([true, false, false, false]);
  });
});
