import { describe, expect, it } from 'vitest';
import { StructType, T } from '@streamline/spark-connect';
import { envelopeFields, integer, nullable, number, object, optional, string, timestamp, boolean } from '../../../src/model/index.js';
import { builtinTopic } from '../../../harness/builtin-pipeline.js';
import { sparkSchema } from '../../../src/stream/spark-schema.js';

describe('canonical schema -> Spark StructType', () => {
  it('maps every kind to its Spark type, nested objects to structs, all fields nullable for from_json', () => {
    const schema = sparkSchema({
      id: string({ format: 'uuid' }),
      count: integer({ minimum: 0 }),
      total: integer({ bits: 64 }),
      ratio: number(),
      active: boolean(),
      seen_at: timestamp(),
      note: nullable(string()),
      nickname: optional(string()),
      inner: object({ level: integer(), tag: optional(nullable(string())) }),
    });
    expect(schema.equals(
      T.struct(
        T.field('id', T.string),
        T.field('count', T.int),
        T.field('total', T.long),
        T.field('ratio', T.double),
        T.field('active', T.boolean),
        T.field('seen_at', T.string),
        T.field('note', T.string),
        T.field('nickname', T.string),
        T.field('inner', T.struct(T.field('level', T.int), T.field('tag', T.string))),
      ),
    )).toBe(true);
    expect(schema.fields.every((f) => f.nullable)).toBe(true);
  });

  it('covers the whole message value of a topic, envelope first', () => {
    const schema = sparkSchema(envelopeFields(builtinTopic('users.location').schema.fields));
    expect(schema.fieldNames).toEqual(['schema_version', 'source', 'fetched_at', 'produced_at', 'id', 'data']);
    const data = schema.field('data')?.dataType;
    expect(data).toBeInstanceOf(StructType);
    expect((data as StructType).field('coordinates')?.dataType.equals(T.struct(T.field('latitude', T.double), T.field('longitude', T.double)))).toBe(true);
    expect((data as StructType).field('timezone')?.dataType.equals(T.struct(T.field('offset', T.string), T.field('description', T.string)))).toBe(true);
  });
});
