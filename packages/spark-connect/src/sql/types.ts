/**
 * Spark SQL data types: a small, immutable model with DDL rendering and conversion to and from the
 * Spark Connect `DataType` protobuf. Over 300 lines on purpose: one class per Spark type, and each
 * type's DDL and proto forms must change together, so they stay in one file.
 */
import { create } from '@bufbuild/protobuf';
import { DataTypeSchema, type DataType as ProtoDataType } from '../gen/spark/connect/types_pb.js';
import { SparkPlanError } from '../client/errors.js';

export abstract class DataType {
  /** Spark's type name in DDL, e.g. `STRING`, `ARRAY<INT>`, `STRUCT<\`a\`: INT>`. */
  abstract toDDL(): string;
  /** The Spark Connect protobuf form. */
  abstract toProto(): ProtoDataType;
  /** Short lower-case name (`string`, `array<int>`), as Spark's simpleString. */
  simpleString(): string {
    return this.toDDL().toLowerCase();
  }
  toString(): string {
    return this.toDDL();
  }
  equals(other: DataType): boolean {
    return this.toDDL() === other.toDDL();
  }
}

type AtomicCase =
  | 'null'
  | 'binary'
  | 'boolean'
  | 'byte'
  | 'short'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'string'
  | 'date'
  | 'timestamp'
  | 'timestampNtz'
  | 'calendarInterval'
  | 'variant';

abstract class AtomicType extends DataType {
  protected abstract readonly ddl: string;
  protected abstract readonly protoCase: AtomicCase;
  toDDL(): string {
    return this.ddl;
  }
  toProto(): ProtoDataType {
    return create(DataTypeSchema, { kind: { case: this.protoCase, value: {} } });
  }
}

export class NullType extends AtomicType {
  protected readonly ddl = 'VOID';
  protected readonly protoCase = 'null';
}
export class BinaryType extends AtomicType {
  protected readonly ddl = 'BINARY';
  protected readonly protoCase = 'binary';
}
export class BooleanType extends AtomicType {
  protected readonly ddl = 'BOOLEAN';
  protected readonly protoCase = 'boolean';
}
export class ByteType extends AtomicType {
  protected readonly ddl = 'TINYINT';
  protected readonly protoCase = 'byte';
}
export class ShortType extends AtomicType {
  protected readonly ddl = 'SMALLINT';
  protected readonly protoCase = 'short';
}
export class IntegerType extends AtomicType {
  protected readonly ddl = 'INT';
  protected readonly protoCase = 'integer';
}
export class LongType extends AtomicType {
  protected readonly ddl = 'BIGINT';
  protected readonly protoCase = 'long';
}
export class FloatType extends AtomicType {
  protected readonly ddl = 'FLOAT';
  protected readonly protoCase = 'float';
}
export class DoubleType extends AtomicType {
  protected readonly ddl = 'DOUBLE';
  protected readonly protoCase = 'double';
}
export class StringType extends AtomicType {
  protected readonly ddl = 'STRING';
  protected readonly protoCase = 'string';
}
export class DateType extends AtomicType {
  protected readonly ddl = 'DATE';
  protected readonly protoCase = 'date';
}
export class TimestampType extends AtomicType {
  protected readonly ddl = 'TIMESTAMP';
  protected readonly protoCase = 'timestamp';
}
export class TimestampNTZType extends AtomicType {
  protected readonly ddl = 'TIMESTAMP_NTZ';
  protected readonly protoCase = 'timestampNtz';
}
export class CalendarIntervalType extends AtomicType {
  protected readonly ddl = 'INTERVAL';
  protected readonly protoCase = 'calendarInterval';
}
export class VariantType extends AtomicType {
  protected readonly ddl = 'VARIANT';
  protected readonly protoCase = 'variant';
}

/** A StructType's top-level DDL is a column list; nested in another type it renders as STRUCT<...>. */
function nestedDDL(t: DataType): string {
  return t instanceof StructType ? t.typeDDL() : t.toDDL();
}

export class DecimalType extends DataType {
  constructor(
    readonly precision = 10,
    readonly scale = 0,
  ) {
    super();
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw new SparkPlanError(`invalid DECIMAL(${precision},${scale})`);
    }
  }
  toDDL(): string {
    return `DECIMAL(${this.precision},${this.scale})`;
  }
  toProto(): ProtoDataType {
    return create(DataTypeSchema, { kind: { case: 'decimal', value: { precision: this.precision, scale: this.scale } } });
  }
}

/** A type whose DDL the server parses (e.g. `CHAR(3)`, intervals); used for types this model lacks. */
export class UnparsedType extends DataType {
  constructor(readonly ddl: string) {
    super();
  }
  toDDL(): string {
    return this.ddl;
  }
  toProto(): ProtoDataType {
    return create(DataTypeSchema, { kind: { case: 'unparsed', value: { dataTypeString: this.ddl } } });
  }
}

export class ArrayType extends DataType {
  constructor(
    readonly elementType: DataType,
    readonly containsNull = true,
  ) {
    super();
  }
  toDDL(): string {
    return `ARRAY<${nestedDDL(this.elementType)}>`;
  }
  toProto(): ProtoDataType {
    return create(DataTypeSchema, {
      kind: { case: 'array', value: { elementType: this.elementType.toProto(), containsNull: this.containsNull } },
    });
  }
}

export class MapType extends DataType {
  constructor(
    readonly keyType: DataType,
    readonly valueType: DataType,
    readonly valueContainsNull = true,
  ) {
    super();
  }
  toDDL(): string {
    return `MAP<${nestedDDL(this.keyType)}, ${nestedDDL(this.valueType)}>`;
  }
  toProto(): ProtoDataType {
    return create(DataTypeSchema, {
      kind: {
        case: 'map',
        value: { keyType: this.keyType.toProto(), valueType: this.valueType.toProto(), valueContainsNull: this.valueContainsNull },
      },
    });
  }
}

/** Backtick-quotes an identifier (always: safe for reserved words and odd characters). */
function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export class StructField {
  constructor(
    readonly name: string,
    readonly dataType: DataType,
    readonly nullable = true,
    /** Spark field metadata (JSON object); `comment` is rendered as COMMENT in DDL. */
    readonly metadata: Readonly<Record<string, unknown>> = {},
  ) {}

  get comment(): string | undefined {
    const c = this.metadata.comment;
    return typeof c === 'string' ? c : undefined;
  }

  /** `\`name\` TYPE [NOT NULL] [COMMENT '...']` as in a table schema. */
  toDDL(): string {
    return `${quoteIdentifier(this.name)} ${nestedDDL(this.dataType)}${this.nullable ? '' : ' NOT NULL'}${
      this.comment !== undefined ? ` COMMENT ${sqlString(this.comment)}` : ''
    }`;
  }

  /** Field form used inside STRUCT<...>: `\`name\`: TYPE [NOT NULL] [COMMENT '...']`. */
  toNestedDDL(): string {
    return `${quoteIdentifier(this.name)}: ${nestedDDL(this.dataType)}${this.nullable ? '' : ' NOT NULL'}${
      this.comment !== undefined ? ` COMMENT ${sqlString(this.comment)}` : ''
    }`;
  }

  toProto() {
    const hasMetadata = Object.keys(this.metadata).length > 0;
    return {
      name: this.name,
      dataType: this.dataType.toProto(),
      nullable: this.nullable,
      ...(hasMetadata ? { metadata: JSON.stringify(this.metadata) } : {}),
    };
  }
}

/** An immutable struct type; `add()` returns a new StructType. */
export class StructType extends DataType {
  readonly fields: readonly StructField[];

  constructor(fields: readonly StructField[] = []) {
    super();
    const seen = new Set<string>();
    for (const f of fields) {
      if (seen.has(f.name)) throw new SparkPlanError(`duplicate field '${f.name}' in StructType`);
      seen.add(f.name);
    }
    this.fields = Object.freeze([...fields]);
  }

  /** Adds a field: `add('age', T.int)`, `add('name', T.string, false)`. */
  add(name: string, type: DataType, nullable = true, metadata: Record<string, unknown> = {}): StructType {
    return new StructType([...this.fields, new StructField(name, type, nullable, metadata)]);
  }

  get fieldNames(): string[] {
    return this.fields.map((f) => f.name);
  }

  field(name: string): StructField | undefined {
    return this.fields.find((f) => f.name === name);
  }

  /** Schema DDL as accepted by `from_json`, `DataStreamReader.schema` and CREATE TABLE: `\`a\` INT, \`b\` STRING`. */
  override toDDL(): string {
    return this.fields.map((f) => f.toDDL()).join(', ');
  }

  /** The type as written inside another type: `STRUCT<\`a\`: INT>`. */
  typeDDL(): string {
    return `STRUCT<${this.fields.map((f) => f.toNestedDDL()).join(', ')}>`;
  }

  override simpleString(): string {
    return `struct<${this.fields.map((f) => `${f.name}:${f.dataType.simpleString()}`).join(',')}>`;
  }

  override equals(other: DataType): boolean {
    return other instanceof StructType && this.typeDDL() === other.typeDDL();
  }

  toProto(): ProtoDataType {
    return create(DataTypeSchema, { kind: { case: 'struct', value: { fields: this.fields.map((f) => f.toProto()) } } });
  }
}

/** Convenience constructors: `T.struct(T.field('id', T.long, false), ...)`. */
export const T = {
  null: new NullType(),
  binary: new BinaryType(),
  boolean: new BooleanType(),
  byte: new ByteType(),
  short: new ShortType(),
  int: new IntegerType(),
  long: new LongType(),
  float: new FloatType(),
  double: new DoubleType(),
  string: new StringType(),
  date: new DateType(),
  timestamp: new TimestampType(),
  timestampNtz: new TimestampNTZType(),
  decimal: (precision = 10, scale = 0) => new DecimalType(precision, scale),
  array: (element: DataType, containsNull = true) => new ArrayType(element, containsNull),
  map: (key: DataType, value: DataType, valueContainsNull = true) => new MapType(key, value, valueContainsNull),
  field: (name: string, type: DataType, nullable = true, metadata: Record<string, unknown> = {}) => new StructField(name, type, nullable, metadata),
  struct: (...fields: StructField[]) => new StructType(fields),
} as const;

/** Converts a Spark Connect protobuf DataType to the model (unknown kinds become UnparsedType). */
export function fromProtoDataType(proto: ProtoDataType): DataType {
  const k = proto.kind;
  switch (k.case) {
    case 'null':
      return T.null;
    case 'binary':
      return T.binary;
    case 'boolean':
      return T.boolean;
    case 'byte':
      return T.byte;
    case 'short':
      return T.short;
    case 'integer':
      return T.int;
    case 'long':
      return T.long;
    case 'float':
      return T.float;
    case 'double':
      return T.double;
    case 'string':
    case 'char':
    case 'varChar':
      return T.string;
    case 'date':
      return T.date;
    case 'timestamp':
      return T.timestamp;
    case 'timestampNtz':
      return T.timestampNtz;
    case 'calendarInterval':
      return new CalendarIntervalType();
    case 'variant':
      return new VariantType();
    case 'decimal':
      return new DecimalType(k.value.precision ?? 10, k.value.scale ?? 0);
    case 'array':
      return new ArrayType(k.value.elementType ? fromProtoDataType(k.value.elementType) : T.null, k.value.containsNull);
    case 'map':
      return new MapType(
        k.value.keyType ? fromProtoDataType(k.value.keyType) : T.null,
        k.value.valueType ? fromProtoDataType(k.value.valueType) : T.null,
        k.value.valueContainsNull,
      );
    case 'struct':
      return new StructType(
        k.value.fields.map(
          (f) =>
            new StructField(
              f.name,
              f.dataType ? fromProtoDataType(f.dataType) : T.null,
              f.nullable,
              f.metadata ? (JSON.parse(f.metadata) as Record<string, unknown>) : {},
            ),
        ),
      );
    case 'unparsed':
      return new UnparsedType(k.value.dataTypeString);
    case 'yearMonthInterval':
      return new UnparsedType('INTERVAL YEAR TO MONTH');
    case 'dayTimeInterval':
      return new UnparsedType('INTERVAL DAY TO SECOND');
    case 'udt':
      return k.value.sqlType ? fromProtoDataType(k.value.sqlType) : new UnparsedType(k.value.type);
    default:
      return new UnparsedType('UNKNOWN');
  }
}
