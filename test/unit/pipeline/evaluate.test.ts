import { functions as F } from '@streamline/spark-connect';
import { describe, expect, it } from 'vitest';
import { POISON_KINDS, poisonRecord } from '../../../faults/poison.js';
import { boolean, checkPlan, envelopeFields, integer, nullable, number, object, optional, string, timestamp, UUID_PATTERN, type Fields } from '../../../src/model/index.js';
import { normalizeRecord, type RandomUserRecord } from '../../../src/source/index.js';
import { BUILTIN_TOPICS as TOPIC_NAMES, builtinEnvelope, builtinTopic } from '../../../harness/builtin-pipeline.js';
import { fromJsonLike, messageReason } from '../../../src/pipeline/evaluate.js';
import { generateUsers } from '../../../src/source/randomuser/generate.js';
import { messageChecks, UUID_PATTERN as SPARK_UUID_PATTERN } from '../../../src/stream/validation.js';

// The check plan as data (src/model/checks.ts) must be the checks Spark runs (src/stream/validation.ts): the
// same reasons in the same order. The TS evaluator must then give the reasons the poison corpora expect
// (faults/poison.ts, test/integration/stream/poison.test.ts), as far as that can be told without Spark.
const cols = { json: F.col('json'), key: F.col('key'), msg: F.col('msg') };
const [raw] = generateUsers({ seed: 'evaluate', page: 1, results: 1, now: new Date('2026-12-01T00:00:00Z') });
const outcome = normalizeRecord(raw, { pii: 'keep' });
if (!outcome.ok) throw new Error(outcome.reason);
const user: RandomUserRecord = outcome.user;
const location = builtinTopic('users.location').schema.envelopeFields;
const profile = builtinTopic('users.profile').schema.envelopeFields;
type Envelope = Record<string, unknown> & { id: string; data: Record<string, unknown> };
const envelopeOf = (topic: 'users.location' | 'users.profile'): Envelope =>
  structuredClone(builtinEnvelope(topic, user, { source: 'randomuser:poison', fetchedAt: new Date(0), producedAt: new Date(0) })) as unknown as Envelope;
const mutate = (topic: 'users.location' | 'users.profile', change: (e: Envelope) => void): string => {
  const e = envelopeOf(topic);
  change(e);
  return JSON.stringify(e);
};
const id = user.login.uuid;

describe('checkPlan = the Spark checks', () => {
  it.each(TOPIC_NAMES)('%s: the same reasons in the same order', (topic) => {
    const envelope = builtinTopic(topic).schema.envelopeFields;
    expect(checkPlan(envelope).map((c) => c.reason)).toEqual(messageChecks(envelope, cols).map((c) => c.reason));
  });

  it('every kind of field: optional and nullable objects guard their children', () => {
    const envelope = envelopeFields({
      maybe: nullable(string({ minLength: 2, pattern: '^a', enum: ['ab', 'ac'] })),
      absent: optional(integer({ minimum: 5, maximum: 9, enum: [5, 6] })),
      flag: boolean(),
      when: timestamp(),
      box: optional(object({ x: number({ maximum: 1 }), inner: nullable(object({ y: string() })) })),
    });
    expect(checkPlan(envelope).map((c) => c.reason)).toEqual(messageChecks(envelope, cols).map((c) => c.reason));
    const y = checkPlan(envelope).find((c) => c.reason === 'missing or invalid field: data.box.inner.y');
    expect(y).toMatchObject({ kind: 'field', path: ['data', 'box', 'inner', 'y'], guards: [['data', 'box', 'inner'], ['data', 'box']] });
    expect(UUID_PATTERN).toBe(SPARK_UUID_PATTERN);
  });
});

describe('messageReason: the reasons the poison corpus expects', () => {
  it('a valid envelope has none', () => {
    for (const topic of ['users.location', 'users.profile'] as const) {
      expect(messageReason(builtinTopic(topic).schema.envelopeFields, { key: id, value: Buffer.from(mutate(topic, () => undefined)) })).toBeNull();
    }
  });

  // The cases of test/integration/stream/poison.test.ts, whose reasons Spark gives there.
  const cases: { kind: string; key?: string | null; value: string | Buffer | null; reason: RegExp; envelope?: Fields }[] = [
    { kind: 'dob.age is a word', value: mutate('users.profile', (e) => ((e.data.dob as Record<string, unknown>).age = 'old')), reason: /^missing or invalid field: data\.dob\.age$/, envelope: profile },
    { kind: 'gender not in the enum', value: mutate('users.profile', (e) => (e.data.gender = 'robot')), reason: /^not one of male, female: data\.gender$/, envelope: profile },
    { kind: 'nat lowercase', value: mutate('users.profile', (e) => (e.data.nat = 'xx')), reason: /pattern: data\.nat$/, envelope: profile },
    { kind: 'picture missing', value: mutate('users.profile', (e) => delete e.data.picture), reason: /^missing or invalid field: data\.picture$/, envelope: profile },
    { kind: 'not JSON', value: 'this is not json #1', reason: /^value is not a JSON object$/ },
    { kind: 'truncated JSON', value: mutate('users.location', () => undefined).slice(0, 40), reason: /^value is not a JSON object$/ },
    { kind: 'JSON array', value: '[1,2,3]', reason: /^value is not a JSON object$/ },
    { kind: 'JSON string', value: '"just a string"', reason: /^value is not a JSON object$/ },
    { kind: 'JSON null', value: 'null', reason: /^value is not a JSON object$/ },
    { kind: 'missing id', value: mutate('users.location', (e) => delete (e as Partial<Envelope>).id), reason: /^missing or invalid field: id$/ },
    { kind: 'id not a UUID', key: 'user-1', value: mutate('users.location', (e) => (e.id = 'user-1')), reason: /^not a UUID: id$/ },
    { kind: 'data is a string', value: mutate('users.location', (e) => ((e as Record<string, unknown>).data = 'x')), reason: /^missing or invalid field: data$/ },
    { kind: 'data missing', value: mutate('users.location', (e) => delete (e as Partial<Envelope>).data), reason: /^missing or invalid field: data$/ },
    { kind: 'coordinates as words', value: mutate('users.location', (e) => Object.assign(e.data.coordinates as object, { latitude: 'north', longitude: 'east' })), reason: /^missing or invalid field: data\.coordinates\.latitude$/ },
    { kind: 'latitude NaN', value: mutate('users.location', (e) => ((e.data.coordinates as Record<string, unknown>).latitude = 'NaN')), reason: /data\.coordinates\.latitude$/ },
    { kind: 'latitude out of range', value: mutate('users.location', (e) => ((e.data.coordinates as Record<string, unknown>).latitude = 123.4)), reason: /^above 90: data\.coordinates\.latitude$/ },
    { kind: 'street number a word', value: mutate('users.location', (e) => ((e.data.street as Record<string, unknown>).number = 'twelve')), reason: /^missing or invalid field: data\.street\.number$/ },
    { kind: 'postcode missing', value: mutate('users.location', (e) => delete e.data.postcode), reason: /^missing or invalid field: data\.postcode$/ },
    { kind: 'schema_version 2', value: mutate('users.location', (e) => (e.schema_version = 2)), reason: /^not one of 1: schema_version$/ },
    { kind: 'fetched_at not ISO', value: mutate('users.location', (e) => (e.fetched_at = 'yesterday')), reason: /^not an ISO-8601 UTC timestamp: fetched_at$/ },
    { kind: 'key not matching id', key: '00000000-0000-4000-8000-000000000000', value: mutate('users.location', () => undefined), reason: /^message key does not match id$/ },
    { kind: 'no key', key: null, value: mutate('users.location', () => undefined), reason: /^message key does not match id$/ },
    { kind: 'non-UTF-8 bytes', value: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 7]), reason: /^value is not valid UTF-8$/ },
    { kind: 'envelope with a non-UTF-8 byte', value: Buffer.concat([Buffer.from(mutate('users.location', () => undefined).slice(0, -1) + ',"x":"'), Buffer.from([0xff, 0x41]), Buffer.from('"}')]), reason: /^value is not valid UTF-8$/ },
    { kind: 'empty value', value: Buffer.alloc(0), reason: /^value is not a JSON object$/ },
    { kind: 'tombstone (null value)', value: null, reason: /^empty value \(tombstone\)$/ },
  ];

  it.each(cases)('$kind', ({ key = id, value, reason, envelope = location }) => {
    expect(messageReason(envelope, { key, value: typeof value === 'string' ? value : value === null ? null : new Uint8Array(value) })).toMatch(reason);
  });

  // faults/poison.ts's kinds, except the deeply nested one: whether Jackson's depth limit turns it into
  // "not a JSON object" or a null struct only Spark can tell (the integration tier checks it).
  const FAULT_REASONS: Record<string, RegExp | undefined> = {
    'not JSON': /^value is not a JSON object$/,
    'JSON, not an object': /^value is not a JSON object$/,
    'wrong types': /^missing or invalid field: schema_version$/,
    'missing id': /^missing or invalid field: id$/,
    'key/id mismatch': /^message key does not match id$/,
    'no key': /^message key does not match id$/,
    'deeply nested': undefined,
    '900 KB': /^missing or invalid field: data$/,
    'invalid UTF-8': /^value is not valid UTF-8$/,
    'null value': /^empty value \(tombstone\)$/,
  };

  it('faults/poison.ts: every kind is named here, and each but the deeply nested one gets its reason', () => {
    expect(POISON_KINDS.map((k) => k.kind).sort()).toEqual(Object.keys(FAULT_REASONS).sort());
    POISON_KINDS.forEach((kind, index) => {
      const expected = FAULT_REASONS[kind.kind];
      if (expected === undefined) return;
      const poison = poisonRecord(index, { key: id, envelope: envelopeOf('users.location') }, '00000000-0000-4000-8000-000000000000');
      const reason = messageReason(location, { key: poison.key ?? null, value: poison.value === undefined ? null : new Uint8Array(poison.value) });
      expect(reason, kind.kind).toMatch(expected);
    });
  });
});

describe('fromJsonLike: Spark from_json as the checks see it', () => {
  const fields = { s: string(), i: integer(), l: integer({ bits: 64 }), n: number(), b: boolean(), o: object({ x: integer() }), absent: optional(string()) };

  it('keeps what fits, nulls what does not, and keeps other JSON tokens in a string field as JSON text', () => {
    expect(fromJsonLike({ s: 'a', i: 1, l: 2 ** 40, n: 1.5, b: true, o: { x: 1, extra: 2 } }, fields)).toEqual({ s: 'a', i: 1, l: 2 ** 40, n: 1.5, b: true, o: { x: 1 }, absent: null });
    expect(fromJsonLike({ s: { a: [1] }, i: 2 ** 31, l: 1.5, n: '1', b: 'true', o: [1] }, fields)).toEqual({ s: '{"a":[1]}', i: null, l: null, n: null, b: null, o: null, absent: null });
    expect(fromJsonLike({ s: 42, i: -(2 ** 31) }, fields)).toMatchObject({ s: '42', i: -(2 ** 31) });
  });
});
