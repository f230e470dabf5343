import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { DataTypeSchema } from '../../src/gen/spark/connect/types_pb.js';
import { fromProtoDataType } from '../../src/sql/types.js';
import { StructType, T, UnparsedType } from '../../src/index.js';

const user = T.struct(
  T.field('id', T.string, false),
  T.field('age', T.int),
  T.field('balance', T.decimal(12, 2)),
  T.field('tags', T.array(T.string)),
  T.field('attrs', T.map(T.string, T.long)),
  T.field('location', T.struct(T.field('city', T.string), T.field('postcode', T.string, true, { comment: "it's text" }))),
  T.field('seen', T.timestamp),
);

describe('StructType', () => {
  it('renders DDL with quoted names, NOT NULL and nested STRUCT<...>', () => {
    expect(user.toDDL()).toBe(
      '`id` STRING NOT NULL, `age` INT, `balance` DECIMAL(12,2), `tags` ARRAY<STRING>, `attrs` MAP<STRING, BIGINT>, ' +
        "`location` STRUCT<`city`: STRING, `postcode`: STRING COMMENT 'it\\'s text'>, `seen` TIMESTAMP",
    );
    expect(T.struct(T.field('a`b', T.int)).toDDL()).toBe('`a``b` INT');
    expect(T.array(T.struct(T.field('x', T.int))).toDDL()).toBe('ARRAY<STRUCT<`x`: INT>>');
    expect(user.simpleString()).toMatch(/^struct<id:string,age:int,/);
  });

  it('is immutable: add() returns a new StructType', () => {
    const a = new StructType().add('a', T.int);
    const b = a.add('b', T.string, false);
    expect(a.fieldNames).toEqual(['a']);
    expect(b.fieldNames).toEqual(['a', 'b']);
    expect(b.field('b')?.nullable).toBe(false);
    expect(() => b.add('a', T.int)).toThrow(/duplicate field 'a'/);
  });

  it('converts to the Spark Connect DataType proto', () => {
    const s = T.struct(T.field('id', T.long, false), T.field('tags', T.array(T.string, false)), T.field('m', T.map(T.string, T.double)));
    expect(s.toProto()).toEqual(
      create(DataTypeSchema, {
        kind: {
          case: 'struct',
          value: {
            fields: [
              { name: 'id', dataType: { kind: { case: 'long', value: {} } }, nullable: false },
              {
                name: 'tags',
                dataType: { kind: { case: 'array', value: { elementType: { kind: { case: 'string', value: {} } }, containsNull: false } } },
                nullable: true,
              },
              {
                name: 'm',
                dataType: {
                  kind: {
                    case: 'map',
                    value: { keyType: { kind: { case: 'string', value: {} } }, valueType: { kind: { case: 'double', value: {} } }, valueContainsNull: true },
                  },
                },
                nullable: true,
              },
            ],
          },
        },
      }),
    );
    expect(T.decimal(5, 2).toProto()).toEqual(create(DataTypeSchema, { kind: { case: 'decimal', value: { precision: 5, scale: 2 } } }));
    expect(T.field('c', T.string, true, { comment: 'x' }).toProto().metadata).toBe('{"comment":"x"}');
  });

  it('round-trips through the proto', () => {
    expect(fromProtoDataType(user.toProto()).equals(user)).toBe(true);
    expect((fromProtoDataType(user.toProto()) as StructType).field('location')?.dataType).toBeInstanceOf(StructType);
  });
});

describe('UnparsedType', () => {
  it('carries a type the model does not know as the server wrote it', () => {
    expect(new UnparsedType('CHAR(3)').toProto()).toEqual(create(DataTypeSchema, { kind: { case: 'unparsed', value: { dataTypeString: 'CHAR(3)' } } }));
    expect(fromProtoDataType(create(DataTypeSchema, { kind: { case: 'unparsed', value: { dataTypeString: 'CHAR(3)' } } }))).toEqual(new UnparsedType('CHAR(3)'));
  });
});
