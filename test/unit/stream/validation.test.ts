import { describe, expect, it } from 'vitest';
import { functions as F, type Column } from '@streamline/spark-connect';
import { boolean, envelopeFields, ISO_UTC_INSTANT_PATTERN, integer, nullable, number, object, optional, string, timestamp, type Field, type Fields } from '../../../src/model/index.js';
import { BUILTIN_TOPICS as TOPIC_NAMES, builtinTopic } from '../../../harness/builtin-pipeline.js';
import { messageChecks, reasonColumn, UUID_PATTERN, type Check } from '../../../src/stream/validation.js';

// The checks are Spark plans (Columns); these tests compare them with the plan the typed API builds
// for the intended condition. What the conditions do on real records is tested in
// test/integration/stream (poison.test.ts).
const cols = { json: F.col('json'), key: F.col('key'), msg: F.col('msg') };
const msg = F.col('msg');
const data = msg.getField('data');
const reasons = (checks: Check[]) => checks.map((c) => c.reason);
const byReason = (checks: Check[], reason: string): Check => {
  const found = checks.filter((c) => c.reason === reason);
  expect(found, `exactly one check "${reason}" in ${JSON.stringify(reasons(checks))}`).toHaveLength(1);
  return found[0] as Check;
};
const expectPlan = (actual: Column, expected: Column) => expect(actual.expr).toEqual(expected.expr);
const present = (c: Column, cond: Column) => c.isNotNull().and(cond);

/** Dotted paths of every required (non-null, non-optional) field under required objects, depth first. */
function requiredPaths(fields: Fields, prefix = ''): string[] {
  return Object.entries(fields).flatMap(([name, field]: [string, Field]) => {
    const path = `${prefix}${name}`;
    if (field.nullable || field.optional) return [];
    return field.kind === 'object' ? [path, ...requiredPaths(field.fields, `${path}.`)] : [path];
  });
}

describe('reasonColumn', () => {
  it('is when(...) with one branch per check in order, null when none fires', () => {
    const a = F.col('a').isNull();
    const b = F.col('b').eq('x');
    expectPlan(reasonColumn([{ condition: a, reason: 'no a' }, { condition: b, reason: "b's value" }]), F.when(a, 'no a').when(b, "b's value"));
  });

  it('ends in the fallback when one is given, and is the fallback alone without branches', () => {
    const a = F.col('a').isNull();
    expectPlan(reasonColumn([{ condition: a, reason: F.col('why') }], 'other'), F.when(a, F.col('why')).otherwise('other'));
    expectPlan(reasonColumn([], 'other'), F.lit('other'));
    expectPlan(reasonColumn([]), F.lit(null));
  });
});

describe('messageChecks', () => {
  it('puts the structural checks first and the identity checks last', () => {
    const checks = messageChecks(envelopeFields({ name: string() }), cols);
    expect(reasons(checks).slice(0, 3)).toEqual(['empty value (tombstone)', 'value is not valid UTF-8', 'value is not a JSON object']);
    expectPlan(checks[0]!.condition, F.col('json').isNull());
    expectPlan(checks[1]!.condition, F.is_valid_utf8(F.col('json')).not());
    expectPlan(checks[2]!.condition, F.json_object_keys(F.col('json')).isNull());
    expect(reasons(checks).slice(-2)).toEqual(['unsupported schema_version (expected 1)', 'message key does not match id']);
    expectPlan(checks.at(-1)!.condition, F.col('key').isNull().or(F.col('key').neq(msg.getField('id'))));
  });

  it('uses the given columns (the dead-letter query passes one parsed column per topic)', () => {
    const parsed = F.col('msg_3');
    const checks = messageChecks(envelopeFields({ n: integer() }), { json: F.col('v'), key: F.col('k'), msg: parsed });
    expectPlan(checks[0]!.condition, F.col('v').isNull());
    expectPlan(byReason(checks, 'missing or invalid field: data.n').condition, parsed.getField('data').getField('n').isNull());
    expectPlan(checks.at(-1)!.condition, F.col('k').isNull().or(F.col('k').neq(parsed.getField('id'))));
  });

  it.each(TOPIC_NAMES)('%s: a null check for every required field of the envelope and data, nested ones included', (topic) => {
    const envelope = envelopeFields(builtinTopic(topic).schema.fields);
    const checks = messageChecks(envelope, cols);
    const nullChecked = reasons(checks)
      .filter((r) => r.startsWith('missing or invalid field: '))
      .map((r) => r.slice('missing or invalid field: '.length));
    expect(nullChecked).toEqual(requiredPaths(envelope));
    expect(nullChecked).toContain('id');
    expect(nullChecked).toContain('data');
  });

  it('the envelope: UUID id (a UUID key field), ISO instants, schema version 1, non-empty source', () => {
    const checks = messageChecks(envelopeFields({}, string({ format: 'uuid' })), cols);
    const id = msg.getField('id');
    expectPlan(byReason(checks, 'not a UUID: id').condition, present(id, id.rlike(UUID_PATTERN).not()));
    const version = msg.getField('schema_version');
    expectPlan(byReason(checks, 'not one of 1: schema_version').condition, present(version, version.isin(1).not()));
    const source = msg.getField('source');
    expectPlan(byReason(checks, 'too short: source').condition, present(source, F.length(source).lt(1)));
    const fetched = msg.getField('fetched_at');
    expectPlan(byReason(checks, 'not an ISO-8601 UTC timestamp: fetched_at').condition, present(fetched, fetched.rlike(ISO_UTC_INSTANT_PATTERN).not()));
    expect(reasons(checks)).toContain('not an ISO-8601 UTC timestamp: produced_at');
  });

  it('derives range, enum, pattern and length checks from the descriptors, guarded by a not-null test', () => {
    const checks = messageChecks(
      envelopeFields({
        lat: number({ minimum: -90, maximum: 90 }),
        age: integer({ minimum: 0 }),
        level: integer({ enum: [1, 2, 3] }),
        gender: string({ enum: ['male', 'female'] }),
        nat: string({ pattern: '^[A-Z]{2}$' }),
        email: string({ minLength: 1 }),
        at: timestamp(),
      }),
      cols,
    );
    const f = (name: string) => data.getField(name);
    expectPlan(byReason(checks, 'below -90: data.lat').condition, present(f('lat'), f('lat').lt(-90)));
    expectPlan(byReason(checks, 'above 90: data.lat').condition, present(f('lat'), f('lat').gt(90)));
    expectPlan(byReason(checks, 'below 0: data.age').condition, present(f('age'), f('age').lt(0)));
    expect(reasons(checks)).not.toContain('above undefined: data.age');
    expectPlan(byReason(checks, 'not one of 1, 2, 3: data.level').condition, present(f('level'), f('level').isin(1, 2, 3).not()));
    expectPlan(byReason(checks, 'not one of male, female: data.gender').condition, present(f('gender'), f('gender').isin('male', 'female').not()));
    expectPlan(byReason(checks, 'does not match the expected pattern: data.nat').condition, present(f('nat'), f('nat').rlike('^[A-Z]{2}$').not()));
    expectPlan(byReason(checks, 'too short: data.email').condition, present(f('email'), F.length(f('email')).lt(1)));
    expect(reasons(checks)).toContain('not an ISO-8601 UTC timestamp: data.at');
  });

  it('no null check for nullable or optional fields, but their other checks still apply', () => {
    const checks = messageChecks(envelopeFields({ maybe: nullable(string({ minLength: 2 })), absent: optional(integer({ minimum: 5 })), flag: boolean() }), cols);
    expect(reasons(checks)).not.toContain('missing or invalid field: data.maybe');
    expect(reasons(checks)).not.toContain('missing or invalid field: data.absent');
    expect(reasons(checks)).toContain('missing or invalid field: data.flag');
    expect(reasons(checks)).toContain('too short: data.maybe');
    expect(reasons(checks)).toContain('below 5: data.absent');
  });

  it('reaches nested fields by name, whatever characters the name has, and labels them with their dotted path', () => {
    const checks = messageChecks(envelopeFields({ 'odd`name.x': object({ 'inner field': string() }) }), cols);
    const odd = data.getField('odd`name.x');
    expectPlan(byReason(checks, 'missing or invalid field: data.odd`name.x').condition, odd.isNull());
    expectPlan(byReason(checks, 'missing or invalid field: data.odd`name.x.inner field').condition, odd.getField('inner field').isNull());
  });

  it('the children of an optional or nullable object are checked only when the object is there', () => {
    const checks = messageChecks(envelopeFields({ extra: optional(object({ x: integer({ maximum: 9 }) })), id2: nullable(object({ v: string() })) }), cols);
    expect(reasons(checks)).not.toContain('missing or invalid field: data.extra');
    expect(reasons(checks)).not.toContain('missing or invalid field: data.id2');
    const extra = data.getField('extra');
    const x = extra.getField('x');
    expectPlan(byReason(checks, 'missing or invalid field: data.extra.x').condition, present(extra, x.isNull()));
    expectPlan(byReason(checks, 'above 9: data.extra.x').condition, present(extra, present(x, x.gt(9))));
    const id2 = data.getField('id2');
    expectPlan(byReason(checks, 'missing or invalid field: data.id2.v').condition, present(id2, id2.getField('v').isNull()));
  });

  it('the children of a required object need no guard: a null parent already fails its own check first', () => {
    const checks = messageChecks(envelopeFields({ req: object({ y: string() }) }), cols);
    const i = reasons(checks).indexOf('missing or invalid field: data.req');
    expect(i).toBeGreaterThan(-1);
    expect(reasons(checks)[i + 1]).toBe('missing or invalid field: data.req.y');
    expectPlan(checks[i + 1]!.condition, data.getField('req').getField('y').isNull());
  });
});
