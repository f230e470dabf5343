/**
 * Column: an immutable wrapper around a Spark Connect `Expression`. Every method returns a new Column.
 */
import { create } from '@bufbuild/protobuf';
import {
  ExpressionSchema,
  Expression_SortOrder_NullOrdering,
  Expression_SortOrder_SortDirection,
  type Expression,
  type Expression_Literal,
} from '../gen/spark/connect/expressions_pb.js';
import { SparkPlanError } from '../client/errors.js';
import { DataType, NullType } from './types.js';

/** JS values that become Spark literals. */
export type LiteralValue = null | undefined | boolean | number | bigint | string | Date | Uint8Array;

/** Something usable where a Column is expected: a Column, or a JS value taken as a literal. */
export type ColumnOrValue = Column | LiteralValue;
/** A Column or a column name. */
export type ColumnOrName = Column | string;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function literalProto(value: LiteralValue): Expression_Literal['literalType'] {
  if (value === null || value === undefined) return { case: 'null', value: new NullType().toProto() };
  if (typeof value === 'boolean') return { case: 'boolean', value };
  if (typeof value === 'bigint') return { case: 'long', value };
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return { case: 'integer', value };
    if (Number.isSafeInteger(value)) return { case: 'long', value: BigInt(value) };
    return { case: 'double', value };
  }
  if (typeof value === 'string') return { case: 'string', value };
  if (value instanceof Date) return { case: 'timestamp', value: BigInt(value.getTime()) * 1000n };
  if (value instanceof Uint8Array) return { case: 'binary', value };
  throw new SparkPlanError(`unsupported literal value: ${String(value)}`);
}

function expression(init: Parameters<typeof create<typeof ExpressionSchema>>[1]): Expression {
  return create(ExpressionSchema, init);
}

export class Column {
  /** The protobuf expression. Internal to this package: pipeline code should not need it. */
  readonly expr: Expression;

  constructor(expr: Expression) {
    this.expr = expr;
  }

  // ---- constructors -------------------------------------------------------------------------

  /** A column by name; `*` and `a.*` expand, dotted names are parsed by Spark (`a.b`, `` `a.b` ``). */
  static col(name: string): Column {
    if (name === '*') return new Column(expression({ exprType: { case: 'unresolvedStar', value: {} } }));
    if (name.endsWith('.*')) {
      return new Column(expression({ exprType: { case: 'unresolvedStar', value: { unparsedTarget: name } } }));
    }
    return new Column(expression({ exprType: { case: 'unresolvedAttribute', value: { unparsedIdentifier: name } } }));
  }

  static lit(value: LiteralValue): Column {
    return new Column(expression({ exprType: { case: 'literal', value: { literalType: literalProto(value) } } }));
  }

  /** A call of a Spark SQL function by name. */
  static fn(name: string, ...args: ColumnOrValue[]): Column {
    return new Column(
      expression({
        exprType: {
          case: 'unresolvedFunction',
          value: { functionName: name, arguments: args.map((a) => Column.of(a).expr), isDistinct: false },
        },
      }),
    );
  }

  /** Column as is; any other value as a literal. */
  static of(value: ColumnOrValue): Column {
    return value instanceof Column ? value : Column.lit(value);
  }

  /** Column as is; a string as a column name. */
  static ofName(value: ColumnOrName): Column {
    return value instanceof Column ? value : Column.col(value);
  }

  // ---- naming and types ---------------------------------------------------------------------

  alias(...names: string[]): Column {
    return new Column(expression({ exprType: { case: 'alias', value: { expr: this.expr, name: names } } }));
  }

  /** CAST to a DataType (`T.string`, `T.long`, ...). */
  cast(type: DataType): Column {
    return new Column(expression({ exprType: { case: 'cast', value: { expr: this.expr, castToType: { case: 'type', value: type.toProto() } } } }));
  }

  // ---- comparison and logic -----------------------------------------------------------------

  private bin(op: string, other: ColumnOrValue): Column {
    return Column.fn(op, this, other);
  }

  eq(other: ColumnOrValue): Column {
    return this.bin('==', other);
  }
  /** `!=` (NULL if either side is NULL). */
  neq(other: ColumnOrValue): Column {
    return this.eq(other).not();
  }
  gt(other: ColumnOrValue): Column {
    return this.bin('>', other);
  }
  ge(other: ColumnOrValue): Column {
    return this.bin('>=', other);
  }
  lt(other: ColumnOrValue): Column {
    return this.bin('<', other);
  }
  and(other: ColumnOrValue): Column {
    return this.bin('and', other);
  }
  or(other: ColumnOrValue): Column {
    return this.bin('or', other);
  }
  not(): Column {
    return Column.fn('not', this);
  }
  isNull(): Column {
    return Column.fn('isnull', this);
  }
  isNotNull(): Column {
    return Column.fn('isnotnull', this);
  }
  isin(...values: ColumnOrValue[]): Column {
    return Column.fn('in', this, ...values);
  }
  rlike(pattern: string): Column {
    return this.bin('rlike', pattern);
  }
  // ---- arithmetic ---------------------------------------------------------------------------

  multiply(other: ColumnOrValue): Column {
    return this.bin('*', other);
  }
  // ---- nested data --------------------------------------------------------------------------

  /** Field of a struct column. */
  getField(name: string): Column {
    return new Column(
      expression({ exprType: { case: 'unresolvedExtractValue', value: { child: this.expr, extraction: Column.lit(name).expr } } }),
    );
  }

  // ---- ordering -----------------------------------------------------------------------------

  private sortOrder(direction: Expression_SortOrder_SortDirection, nulls: Expression_SortOrder_NullOrdering): Column {
    return new Column(expression({ exprType: { case: 'sortOrder', value: { child: this.expr, direction, nullOrdering: nulls } } }));
  }
  asc(): Column {
    return this.sortOrder(Expression_SortOrder_SortDirection.ASCENDING, Expression_SortOrder_NullOrdering.SORT_NULLS_FIRST);
  }

  // ---- CASE WHEN (on a when() column) -------------------------------------------------------

  /** Adds a branch to a `when(...)` column. */
  when(condition: Column, value: ColumnOrValue): Column {
    const f = this.caseWhen('when');
    return new Column(
      expression({
        exprType: {
          case: 'unresolvedFunction',
          value: { functionName: 'when', arguments: [...f.arguments, condition.expr, Column.of(value).expr] },
        },
      }),
    );
  }

  /** The ELSE value of a `when(...)` column. */
  otherwise(value: ColumnOrValue): Column {
    const f = this.caseWhen('otherwise');
    return new Column(
      expression({
        exprType: { case: 'unresolvedFunction', value: { functionName: 'when', arguments: [...f.arguments, Column.of(value).expr] } },
      }),
    );
  }

  private caseWhen(what: string) {
    const e = this.expr.exprType;
    if (e.case !== 'unresolvedFunction' || e.value.functionName !== 'when') {
      throw new SparkPlanError(`${what}() can only be applied on a Column built by when()`);
    }
    if (e.value.arguments.length % 2 === 1) throw new SparkPlanError(`${what}() cannot be applied once otherwise() is applied`);
    return e.value;
  }
}
