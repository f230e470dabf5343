/**
 * DataFrame: an immutable logical plan (a protobuf Relation) bound to a session. Transformations
 * return new DataFrames; actions (collect, count, schema, write) run it on the server.
 */
import { Aggregate_GroupType, type Relation } from '../gen/spark/connect/relations_pb.js';
import type { Row } from '../arrow/decode.js';
import { SparkError } from '../client/errors.js';
import { Column, type ColumnOrName } from './column.js';
import { analyzeSchema, collectRows, relation, type SessionContext } from './context.js';
import type { StructType } from './types.js';
import { DataFrameWriter, DataStreamWriter } from './writer.js';

export type { Row };

export class DataFrame {
  constructor(
    private readonly ctx: SessionContext,
    /** The plan. Internal to this package: user code should not need it. */
    readonly plan: Relation,
  ) {}

  private next(plan: Relation): DataFrame {
    return new DataFrame(this.ctx, plan);
  }

  // ---- transformations ----------------------------------------------------------------------

  /** Projection: columns or column names (`'*'` and `'a.*'` expand). */
  select(...cols: ColumnOrName[]): DataFrame {
    if (cols.length === 0) throw new SparkError('select() needs at least one column');
    return this.next(relation({ relType: { case: 'project', value: { input: this.plan, expressions: cols.map((c) => Column.ofName(c).expr) } } }));
  }

  /** Adds or replaces a column. */
  withColumn(name: string, col: Column): DataFrame {
    return this.withColumns({ [name]: col });
  }

  /** Adds or replaces several columns at once (one projection). */
  withColumns(cols: Record<string, Column>): DataFrame {
    const aliases = Object.entries(cols).map(([name, c]) => ({ expr: c.expr, name: [name] }));
    return this.next(relation({ relType: { case: 'withColumns', value: { input: this.plan, aliases } } }));
  }

  /** Keeps rows where the boolean Column is true. */
  filter(condition: Column): DataFrame {
    return this.next(relation({ relType: { case: 'filter', value: { input: this.plan, condition: condition.expr } } }));
  }

  where(condition: Column): DataFrame {
    return this.filter(condition);
  }

  /** Sorts by columns, ascending. */
  orderBy(...cols: ColumnOrName[]): DataFrame {
    const order = cols.map((c) => {
      const e = Column.ofName(c);
      const x = e.expr.exprType.case === 'sortOrder' ? e.expr.exprType : e.asc().expr.exprType;
      if (x.case !== 'sortOrder') throw new SparkError('orderBy: not a sort order');
      return x.value;
    });
    return this.next(relation({ relType: { case: 'sort', value: { input: this.plan, order, isGlobal: true } } }));
  }

  /**
   * At most `numPartitions` partitions, by merging existing ones without a shuffle (Spark's
   * `coalesce`): fewer tasks, each with more rows. Allowed in streaming plans.
   */
  coalesce(numPartitions: number): DataFrame {
    if (!(Number.isInteger(numPartitions) && numPartitions >= 1)) throw new SparkError(`coalesce() needs a whole number >= 1, got ${numPartitions}`);
    return this.next(relation({ relType: { case: 'repartition', value: { input: this.plan, numPartitions, shuffle: false } } }));
  }

  // ---- actions ------------------------------------------------------------------------------

  /** Runs the plan and returns all rows as plain objects (see src/arrow/decode.ts for types). */
  async collect<T extends Row = Row>(): Promise<T[]> {
    return collectRows<T>(this.ctx, this.plan);
  }

  /** Number of rows. */
  async count(): Promise<number> {
    const counted = relation({
      relType: {
        case: 'aggregate',
        value: { input: this.plan, groupType: Aggregate_GroupType.GROUPBY, aggregateExpressions: [Column.fn('count', Column.lit(1)).alias('count').expr] },
      },
    });
    const [row] = await collectRows(this.ctx, counted);
    return Number(row?.count ?? 0);
  }

  /** Result schema (AnalyzePlan; nothing runs). */
  async schema(): Promise<StructType> {
    return analyzeSchema(this.ctx, this.plan);
  }

  get write(): DataFrameWriter {
    return new DataFrameWriter(this.ctx, this.plan);
  }

  get writeStream(): DataStreamWriter {
    return new DataStreamWriter(this.ctx, this.plan);
  }
}
