import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  boolean,
  fieldsToZod,
  integer,
  jsonSchemaDocument,
  bsonObjectSchema,
  nullable,
  number,
  object,
  optional,
  requiredKeys,
  string,
  timestamp,
  type InferFields,
} from '../../../src/model/index.js';

/** A descriptor exercising every kind and modifier once. */
const sample = {
  id: string({ format: 'uuid' }),
  kind: string({ enum: ['a', 'b'] }),
  count: integer({ minimum: 0 }),
  total: integer({ bits: 64 }),
  ratio: number({ minimum: 0, maximum: 1 }),
  active: boolean(),
  seen_at: timestamp(),
  note: nullable(string()),
  nickname: optional(string()),
  inner: object({ level: integer(), tag: optional(nullable(string())) }),
};

const valid = {
  id: '1577ccfc-a3c6-49d0-bb86-ddca8faf0d11',
  kind: 'a',
  count: 3,
  total: 9_007_199_254_740_991,
  ratio: 0.5,
  active: true,
  seen_at: '2024-01-31T12:34:56.789Z',
  note: null,
  inner: { level: 1 },
};

describe('field DSL -> TS type', () => {
  it('infers required, optional, nullable and enum types', () => {
    type Sample = InferFields<typeof sample>;
    expectTypeOf<Sample['kind']>().toEqualTypeOf<'a' | 'b'>();
    expectTypeOf<Sample['note']>().toEqualTypeOf<string | null>();
    expectTypeOf<Sample['nickname']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Sample['inner']['tag']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Sample['seen_at']>().toEqualTypeOf<string>();
    expectTypeOf<z.infer<ReturnType<typeof fieldsToZod<typeof sample>>>>().toEqualTypeOf<Sample>();
  });

  it('lists required keys in declaration order', () => {
    expect(requiredKeys(sample)).toEqual(['id', 'kind', 'count', 'total', 'ratio', 'active', 'seen_at', 'note', 'inner']);
  });
});

describe('field DSL -> zod', () => {
  const schema = fieldsToZod(sample);

  it('accepts a valid value, with optional keys absent', () => {
    expect(schema.parse(valid)).toEqual(valid);
  });

  it.each([
    ['unknown key (objects are strict)', { ...valid, password: 'x' }, 'password'],
    ['value outside the enum', { ...valid, kind: 'c' }, 'kind'],
    ['fraction for an integer', { ...valid, count: 1.5 }, 'count'],
    ['number out of range', { ...valid, ratio: 2 }, 'ratio'],
    ['timestamp with an offset', { ...valid, seen_at: '2024-01-31T12:34:56+02:00' }, 'seen_at'],
    ['timestamp that is not ISO', { ...valid, seen_at: 'Jan 31 2024' }, 'seen_at'],
    ['null in a non-nullable field', { ...valid, active: null }, 'active'],
    ['missing required key', { ...valid, inner: {} }, 'inner'],
    ['not a uuid', { ...valid, id: 'user-1' }, 'id'],
  ])('rejects %s', (_, value, path) => {
    const result = schema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0] ?? issue.message).join(',')).toContain(path);
  });

  it('accepts null for a nullable field inside an optional one', () => {
    expect(schema.safeParse({ ...valid, inner: { level: 1, tag: null } }).success).toBe(true);
  });
});

describe('field DSL -> JSON Schema', () => {
  const doc = jsonSchemaDocument(sample, { title: 'sample', id: 'urn:sample' });
  const properties = doc.properties as Record<string, Record<string, unknown>>;

  it('is a closed 2020-12 document with the required keys', () => {
    expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.additionalProperties).toBe(false);
    expect(doc.required).toEqual(requiredKeys(sample));
  });

  it('maps kinds and modifiers to JSON Schema keywords', () => {
    expect(properties.id).toMatchObject({ type: 'string', format: 'uuid' });
    expect(properties.kind).toMatchObject({ type: 'string', enum: ['a', 'b'] });
    expect(properties.count).toMatchObject({ type: 'integer', minimum: 0 });
    expect(properties.ratio).toMatchObject({ type: 'number', minimum: 0, maximum: 1 });
    expect(properties.seen_at).toMatchObject({ type: 'string', format: 'date-time' });
    expect(properties.note).toMatchObject({ type: ['string', 'null'] });
    expect(properties.inner).toMatchObject({ type: 'object', required: ['level'], additionalProperties: false });
  });

  it('agrees with the zod schema on good and bad values', () => {
    const fromJsonSchema = z.fromJSONSchema(doc as Parameters<typeof z.fromJSONSchema>[0]);
    expect(fromJsonSchema.safeParse(valid).success).toBe(true);
    expect(fromJsonSchema.safeParse({ ...valid, extra: 1 }).success).toBe(false);
    expect(fromJsonSchema.safeParse({ ...valid, note: 5 }).success).toBe(false);
  });
});

describe('field DSL -> MongoDB $jsonSchema', () => {
  const bson = bsonObjectSchema(sample);
  const properties = bson.properties as Record<string, Record<string, unknown>>;

  it('uses bsonType, never format or type', () => {
    expect(JSON.stringify(bson)).not.toMatch(/"(type|format|\$schema)"/);
    expect(properties.count?.bsonType).toEqual(['int', 'long']);
    expect(properties.ratio?.bsonType).toBe('number');
    expect(properties.active?.bsonType).toBe('bool');
    expect(properties.note?.bsonType).toEqual(['string', 'null']);
    expect(properties.seen_at?.bsonType).toEqual(['string', 'date']);
    expect(properties.inner).toMatchObject({ bsonType: 'object', required: ['level'], additionalProperties: false });
    expect(bson.required).not.toContain('nickname');
  });
});
