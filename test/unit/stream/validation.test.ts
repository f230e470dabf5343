import { describe, expect, it } from 'vitest';
import { boolean, envelopeFields, integer, nullable, number, object, optional, string, timestamp, TOPIC_FIELDS, TOPIC_NAMES, type Field, type Fields } from '../../../src/model/index.js';
import { messageChecks, reasonExpression, sqlString, type Check } from '../../../src/stream/validation.js';

const cols = { json: 'json', key: 'key', msg: 'msg' };
const reasons = (checks: Check[]) => checks.map((c) => c.reason);
const byReason = (checks: Check[], reason: string): Check => {
  const found = checks.filter((c) => c.reason === reason);
  expect(found, `exactly one check "${reason}" in ${JSON.stringify(reasons(checks))}`).toHaveLength(1);
  return found[0] as Check;
};

/** Dotted paths of every required (non-null, non-optional) field under required objects, depth first. */
function requiredPaths(fields: Fields, prefix = ''): string[] {
  return Object.entries(fields).flatMap(([name, field]: [string, Field]) => {
    const path = `${prefix}${name}`;
    if (field.nullable || field.optional) return [];
    return field.kind === 'object' ? [path, ...requiredPaths(field.fields, `${path}.`)] : [path];
  });
}

describe('sqlString', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it\\'s'"],
    ['a\\d', "'a\\\\d'"],
    ["\\'", "'\\\\\\''"],
    ['', "''"],
  ])('%j -> %s', (text, literal) => {
    expect(sqlString(text)).toBe(literal);
  });
});

describe('reasonExpression', () => {
  it('is a CASE with one WHEN per check in order, the reasons quoted, NULL when none fires', () => {
    const expr = reasonExpression([
      { condition: 'a IS NULL', reason: 'no a' },
      { condition: "b = 'x'", reason: "b's value" },
    ]);
    expect(expr).toBe("CASE WHEN a IS NULL THEN 'no a' WHEN b = 'x' THEN 'b\\'s value' ELSE NULL END");
  });
});

describe('messageChecks', () => {
  it('puts the structural checks first and the identity checks last', () => {
    const checks = messageChecks(envelopeFields({ name: string() }), cols);
    expect(checks.slice(0, 3)).toEqual([
      { condition: 'json IS NULL', reason: 'empty value (tombstone)' },
      { condition: 'NOT is_valid_utf8(json)', reason: 'value is not valid UTF-8' },
      { condition: "from_json(json, 'MAP<STRING,STRING>') IS NULL", reason: 'value is not a JSON object' },
    ]);
    expect(reasons(checks).slice(-2)).toEqual(['unsupported schema_version (expected 1)', 'message key does not match id']);
    expect(checks.at(-1)?.condition).toBe('key IS NULL OR key <> msg.id');
  });

  it('uses the given column expressions (the dead-letter query passes a from_json call as msg)', () => {
    const checks = messageChecks(envelopeFields({ n: integer() }), { json: 'v', key: 'k', msg: "from_json(v, 'x INT')" });
    expect(checks[0]?.condition).toBe('v IS NULL');
    expect(byReason(checks, 'missing or invalid field: data.n').condition).toBe("from_json(v, 'x INT').`data`.`n` IS NULL");
    expect(checks.at(-1)?.condition).toBe("k IS NULL OR k <> from_json(v, 'x INT').id");
  });

  it.each(TOPIC_NAMES)('%s: a null check for every required field of the envelope and data, nested ones included', (topic) => {
    const envelope = envelopeFields(TOPIC_FIELDS[topic]);
    const checks = messageChecks(envelope, cols);
    const nullChecked = reasons(checks)
      .filter((r) => r.startsWith('missing or invalid field: '))
      .map((r) => r.slice('missing or invalid field: '.length));
    expect(nullChecked).toEqual(requiredPaths(envelope));
    expect(nullChecked).toContain('id');
    expect(nullChecked).toContain('data');
  });

  it('the envelope: UUID id, ISO instants, schema version 1, non-empty source', () => {
    const checks = messageChecks(envelopeFields({}), cols);
    expect(byReason(checks, 'not a UUID: id').condition).toMatch(/^\(msg\.`id` IS NOT NULL AND NOT msg\.`id` RLIKE '\^\[0-9a-fA-F\]\{8\}-/);
    expect(byReason(checks, 'not an ISO-8601 UTC timestamp: fetched_at').condition).toContain("RLIKE '^\\\\d{4}-");
    expect(byReason(checks, 'not an ISO-8601 UTC timestamp: produced_at').condition).toContain('msg.`produced_at` IS NOT NULL AND');
    expect(byReason(checks, 'not one of 1: schema_version').condition).toBe('(msg.`schema_version` IS NOT NULL AND msg.`schema_version` NOT IN (1))');
    expect(byReason(checks, 'too short: source').condition).toBe('(msg.`source` IS NOT NULL AND length(msg.`source`) < 1)');
  });

  it('derives range, enum, pattern and length checks from the descriptors, guarded by IS NOT NULL', () => {
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
    expect(byReason(checks, 'below -90: data.lat').condition).toBe('(msg.`data`.`lat` IS NOT NULL AND msg.`data`.`lat` < -90)');
    expect(byReason(checks, 'above 90: data.lat').condition).toBe('(msg.`data`.`lat` IS NOT NULL AND msg.`data`.`lat` > 90)');
    expect(byReason(checks, 'below 0: data.age').condition).toBe('(msg.`data`.`age` IS NOT NULL AND msg.`data`.`age` < 0)');
    expect(reasons(checks)).not.toContain('above undefined: data.age');
    expect(byReason(checks, 'not one of 1, 2, 3: data.level').condition).toBe('(msg.`data`.`level` IS NOT NULL AND msg.`data`.`level` NOT IN (1, 2, 3))');
    expect(byReason(checks, 'not one of male, female: data.gender').condition).toBe("(msg.`data`.`gender` IS NOT NULL AND msg.`data`.`gender` NOT IN ('male', 'female'))");
    expect(byReason(checks, 'does not match the expected pattern: data.nat').condition).toBe("(msg.`data`.`nat` IS NOT NULL AND NOT msg.`data`.`nat` RLIKE '^[A-Z]{2}$')");
    expect(byReason(checks, 'too short: data.email').condition).toBe('(msg.`data`.`email` IS NOT NULL AND length(msg.`data`.`email`) < 1)');
    expect(byReason(checks, 'not an ISO-8601 UTC timestamp: data.at').condition).toContain('msg.`data`.`at` IS NOT NULL AND NOT msg.`data`.`at` RLIKE');
  });

  it('no null check for nullable or optional fields, but their other checks still apply', () => {
    const checks = messageChecks(envelopeFields({ maybe: nullable(string({ minLength: 2 })), absent: optional(integer({ minimum: 5 })), flag: boolean() }), cols);
    expect(reasons(checks)).not.toContain('missing or invalid field: data.maybe');
    expect(reasons(checks)).not.toContain('missing or invalid field: data.absent');
    expect(reasons(checks)).toContain('missing or invalid field: data.flag');
    expect(reasons(checks)).toContain('too short: data.maybe');
    expect(reasons(checks)).toContain('below 5: data.absent');
  });

  it('quotes every path segment, escaping backticks, and labels nested fields with their dotted path', () => {
    const checks = messageChecks(envelopeFields({ 'odd`name': object({ 'inner field': string() }) }), cols);
    expect(byReason(checks, 'missing or invalid field: data.odd`name').condition).toBe('msg.`data`.`odd``name` IS NULL');
    expect(byReason(checks, 'missing or invalid field: data.odd`name.inner field').condition).toBe('msg.`data`.`odd``name`.`inner field` IS NULL');
  });

  it('the children of an optional or nullable object are checked only when the object is there', () => {
    const checks = messageChecks(envelopeFields({ extra: optional(object({ x: integer({ maximum: 9 }) })), id2: nullable(object({ v: string() })) }), cols);
    expect(reasons(checks)).not.toContain('missing or invalid field: data.extra');
    expect(reasons(checks)).not.toContain('missing or invalid field: data.id2');
    expect(byReason(checks, 'missing or invalid field: data.extra.x').condition).toBe('(msg.`data`.`extra` IS NOT NULL AND (msg.`data`.`extra`.`x` IS NULL))');
    expect(byReason(checks, 'above 9: data.extra.x').condition).toBe(
      '(msg.`data`.`extra` IS NOT NULL AND ((msg.`data`.`extra`.`x` IS NOT NULL AND msg.`data`.`extra`.`x` > 9)))',
    );
    expect(byReason(checks, 'missing or invalid field: data.id2.v').condition).toBe('(msg.`data`.`id2` IS NOT NULL AND (msg.`data`.`id2`.`v` IS NULL))');
  });

  it('the children of a required object need no guard: a null parent already fails its own check first', () => {
    const checks = messageChecks(envelopeFields({ req: object({ y: string() }) }), cols);
    const i = reasons(checks).indexOf('missing or invalid field: data.req');
    expect(i).toBeGreaterThan(-1);
    expect(reasons(checks)[i + 1]).toBe('missing or invalid field: data.req.y');
    expect(checks[i + 1]?.condition).toBe('msg.`data`.`req`.`y` IS NULL');
  });
});
