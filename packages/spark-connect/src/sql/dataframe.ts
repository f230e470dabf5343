/**
 * DataFrame: an immutable logical plan (a protobuf Relation) bound to a session. Transformations
 * return new DataFrames; actions (collect, count, schema, show, write) run it on the server.
 */
import { Aggregate_GroupType, SetOperation_SetOpType, type Relation } from '../gen/spark/connect/relations_pb.js';
import type { Row } from '../arrow/decode.js';
import { SparkError } from '../client/errors.js';
import { Column, type ColumnOrName } from './column.js';
import {
  analyzeIsStreaming,
  analyzeSchema,
  collectRows,
  command,
  executeCommand,
  relation,
  type SessionContext,
} from './context.js';
import type { StructType } from './types.js';
import { DataFrameWriter, DataStreamWriter } from './writer.js';

export type { Row };

export class DataFrame {
  constructor(
    private readonly ctx: SessionContext,
    /** The plan. Internal to src/spark: pipeline code should not need it. */
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

  /** Projection of SQL expressions: `selectExpr('a + 1 AS b', 'upper(name)')`. */
  selectExpr(...exprs: string[]): DataFrame {
    return this.select(...exprs.map((e) => Column.expr(e)));
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

  withColumnRenamed(existing: string, renamed: string): DataFrame {
    return this.withColumnsRenamed({ [existing]: renamed });
  }

  withColumnsRenamed(renames: Record<string, string>): DataFrame {
    return this.next(
      relation({
        relType: {
          case: 'withColumnsRenamed',
          value: { input: this.plan, renames: Object.entries(renames).map(([colName, newColName]) => ({ colName, newColName })) },
        },
      }),
    );
  }

  /** Keeps rows where the condition (a boolean Column or a SQL expression string) is true. */
  filter(condition: Column | string): DataFrame {
    const c = typeof condition === 'string' ? Column.expr(condition) : condition;
    return this.next(relation({ relType: { case: 'filter', value: { input: this.plan, condition: c.expr } } }));
  }

  where(condition: Column | string): DataFrame {
    return this.filter(condition);
  }

  /** Names this DataFrame so its columns can be referenced as `alias.column`. */
  alias(name: string): DataFrame {
    return this.next(relation({ relType: { case: 'subqueryAlias', value: { input: this.plan, alias: name } } }));
  }

  limit(n: number): DataFrame {
    return this.next(relation({ relType: { case: 'limit', value: { input: this.plan, limit: n } } }));
  }

  drop(...cols: ColumnOrName[]): DataFrame {
    const names = cols.filter((c): c is string => typeof c === 'string');
    const columns = cols.filter((c): c is Column => c instanceof Column).map((c) => c.expr);
    return this.next(relation({ relType: { case: 'drop', value: { input: this.plan, columnNames: names, columns } } }));
  }

  /** Sorts by columns (names ascend; use `col('x').desc()` for descending). */
  orderBy(...cols: ColumnOrName[]): DataFrame {
    const order = cols.map((c) => {
      const e = Column.ofName(c);
      const x = e.expr.exprType.case === 'sortOrder' ? e.expr.exprType : e.asc().expr.exprType;
      if (x.case !== 'sortOrder') throw new SparkError('orderBy: not a sort order');
      return x.value;
    });
    return this.next(relation({ relType: { case: 'sort', value: { input: this.plan, order, isGlobal: true } } }));
  }

  sort(...cols: ColumnOrName[]): DataFrame {
    return this.orderBy(...cols);
  }

  /** Group then aggregate: `groupBy('country').agg(count('*').alias('n'))`. */
  groupBy(...cols: ColumnOrName[]): GroupedData {
    return new GroupedData(this.ctx, this.plan, cols.map((c) => Column.ofName(c)));
  }

  /** Aggregates over the whole DataFrame. */
  agg(...aggs: Column[]): DataFrame {
    return this.groupBy().agg(...aggs);
  }

  distinct(): DataFrame {
    return this.next(relation({ relType: { case: 'deduplicate', value: { input: this.plan, allColumnsAsKeys: true } } }));
  }

  dropDuplicates(...columns: string[]): DataFrame {
    if (columns.length === 0) return this.distinct();
    return this.next(relation({ relType: { case: 'deduplicate', value: { input: this.plan, columnNames: columns } } }));
  }

  /** Rows of both DataFrames, matched by position. */
  union(other: DataFrame): DataFrame {
    return this.next(
      relation({ relType: { case: 'setOp', value: { leftInput: this.plan, rightInput: other.plan, setOpType: SetOperation_SetOpType.UNION, isAll: true } } }),
    );
  }

  /** Rows of both DataFrames, matched by column name. */
  unionByName(other: DataFrame, allowMissingColumns = false): DataFrame {
    return this.next(
      relation({
        relType: {
          case: 'setOp',
          value: { leftInput: this.plan, rightInput: other.plan, setOpType: SetOperation_SetOpType.UNION, isAll: true, byName: true, allowMissingColumns },
        },
      }),
    );
  }

  /** Event-time watermark for streaming aggregations. */
  withWatermark(eventTime: string, delayThreshold: string): DataFrame {
    return this.next(relation({ relType: { case: 'withWatermark', value: { input: this.plan, eventTime, delayThreshold } } }));
  }

  /** Renames all columns. */
  toDF(...names: string[]): DataFrame {
    return this.next(relation({ relType: { case: 'toDf', value: { input: this.plan, columnNames: names } } }));
  }

  // ---- actions ------------------------------------------------------------------------------

  /** Runs the plan and returns all rows as plain objects (see src/spark/arrow/decode.ts for types). */
  async collect<T extends Row = Row>(): Promise<T[]> {
    return collectRows<T>(this.ctx, this.plan);
  }

  async take<T extends Row = Row>(n: number): Promise<T[]> {
    return this.limit(n).collect<T>();
  }

  async first<T extends Row = Row>(): Promise<T | undefined> {
    return (await this.take<T>(1))[0];
  }

  /** Number of rows. */
  async count(): Promise<number> {
    const [row] = await this.agg(Column.fn('count', Column.lit(1)).alias('count')).collect();
    return Number(row?.count ?? 0);
  }

  async isEmpty(): Promise<boolean> {
    return (await this.take(1)).length === 0;
  }

  /** Result schema (AnalyzePlan; nothing runs). */
  async schema(): Promise<StructType> {
    return analyzeSchema(this.ctx, this.plan);
  }

  async columns(): Promise<string[]> {
    return (await this.schema()).fieldNames;
  }

  /** True when the plan reads a streaming source. */
  async isStreaming(): Promise<boolean> {
    return analyzeIsStreaming(this.ctx, this.plan);
  }

  /** The table Spark's `show()` prints, as a string. */
  async showString(numRows = 20, truncate: boolean | number = true, vertical = false): Promise<string> {
    const t = typeof truncate === 'number' ? truncate : truncate ? 20 : 0;
    const rows = await collectRows(this.ctx, relation({ relType: { case: 'showString', value: { input: this.plan, numRows, truncate: t, vertical } } }));
    return String(rows[0]?.show_string ?? '');
  }

  /** Registers the DataFrame as a session-scoped temporary view. */
  async createOrReplaceTempView(name: string): Promise<void> {
    await executeCommand(
      this.ctx,
      command({ commandType: { case: 'createDataframeView', value: { input: this.plan, name, isGlobal: false, replace: true } } }),
    );
  }

  get write(): DataFrameWriter {
    return new DataFrameWriter(this.ctx, this.plan);
  }

  get writeStream(): DataStreamWriter {
    return new DataStreamWriter(this.ctx, this.plan);
  }
}

export class GroupedData {
  constructor(
    private readonly ctx: SessionContext,
    private readonly input: Relation,
    private readonly grouping: Column[],
  ) {}

  agg(...aggs: Column[]): DataFrame {
    if (aggs.length === 0) throw new SparkError('agg() needs at least one aggregate');
    return new DataFrame(
      this.ctx,
      relation({
        relType: {
          case: 'aggregate',
          value: {
            input: this.input,
            groupType: Aggregate_GroupType.GROUPBY,
            groupingExpressions: this.grouping.map((g) => g.expr),
            aggregateExpressions: aggs.map((a) => a.expr),
          },
        },
      }),
    );
  }

  /** Rows per group, in column `count`. */
  count(): DataFrame {
    return this.agg(Column.fn('count', Column.lit(1)).alias('count'));
  }
}
