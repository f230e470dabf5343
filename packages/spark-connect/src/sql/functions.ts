/**
 * Spark SQL functions as Column builders: the ones the streamline pipeline and this package's tests
 * run against a real server. Names follow PySpark's `pyspark.sql.functions` (snake_case).
 */
import { Column, type ColumnOrName, type ColumnOrValue, type LiteralValue } from './column.js';
import { T, type DataType } from './types.js';

const c = Column.ofName;

/** A column by name; `*` and `a.*` expand, a dotted name reaches into structs. */
export const col = (name: string): Column => Column.col(name);
export const lit = (value: LiteralValue): Column => Column.lit(value);

// ---- conditionals -----------------------------------------------------------------------------

/** `when(cond, value).when(cond2, value2).otherwise(other)` (CASE WHEN); without otherwise, null. */
export const when = (condition: Column, value: ColumnOrValue): Column => Column.fn('when', condition, value);

// ---- JSON and structs -------------------------------------------------------------------------

/**
 * Parses a JSON string column with a schema (a StructType, or a MapType/ArrayType); JSON that does
 * not fit gives NULL (PERMISSIVE mode). The schema travels as Spark's DDL, rendered by the DataType.
 */
export const from_json = (x: ColumnOrName, schema: DataType): Column => Column.fn('from_json', c(x), Column.lit(schema.toDDL()));
export const to_json = (x: ColumnOrName): Column => Column.fn('to_json', c(x));
/**
 * The keys of the outermost JSON object; NULL for invalid JSON and for JSON that is not an object.
 * Skips over the values, so it costs far less than parsing them.
 */
export const json_object_keys = (x: ColumnOrName): Column => Column.fn('json_object_keys', c(x));
/** `named_struct('a', colA, 'b', colB)` from an object of fields. */
export const named_struct = (fields: Record<string, ColumnOrValue>): Column =>
  Column.fn('named_struct', ...Object.entries(fields).flatMap(([k, v]) => [Column.lit(k), Column.of(v)]));

/** `array(a, b, ...)`. */
export const array = (...cols: ColumnOrName[]): Column => Column.fn('array', ...cols.map(c));
/**
 * Generator: one output row per struct of an array, its fields as columns. Over a one-element array
 * it evaluates that element once per row and makes its fields plain attributes, which the optimizer
 * cannot inline back into the expressions that read them (it would for a projected alias).
 */
export const inline = (x: ColumnOrName): Column => Column.fn('inline', c(x));

// ---- strings and binary -----------------------------------------------------------------------

export const concat_ws = (sep: string, ...cols: ColumnOrName[]): Column => Column.fn('concat_ws', Column.lit(sep), ...cols.map(c));
/** Characters of a string, bytes of a binary. */
export const length = (x: ColumnOrName): Column => Column.fn('length', c(x));
export const octet_length = (x: ColumnOrName): Column => Column.fn('octet_length', c(x));
export const base64 = (x: ColumnOrName): Column => Column.fn('base64', c(x));
/** True when a string or binary holds valid UTF-8. */
export const is_valid_utf8 = (x: ColumnOrName): Column => Column.fn('is_valid_utf8', c(x));

// ---- dates and times --------------------------------------------------------------------------

/**
 * In a streaming query this is the micro-batch's start, which Spark compiles into the generated code as a
 * literal: every micro-batch then compiles (and loads) new classes. For a row's write time prefer
 * `wall_clock_timestamp()`.
 */
export const current_timestamp = (): Column => Column.fn('current_timestamp');
/**
 * The server's wall clock when the row is computed (`System.currentTimeMillis` through `reflect`, which
 * is never folded into a literal), so a streaming query keeps one compiled plan for all its micro-batches.
 */
export const wall_clock_timestamp = (): Column =>
  Column.fn('timestamp_millis', Column.fn('reflect', Column.lit('java.lang.System'), Column.lit('currentTimeMillis')).cast(T.long));

/** Renders a timestamp in the session time zone with a Java DateTimeFormatter pattern, e.g. `yyyy-MM-dd`. */
export const date_format = (x: ColumnOrName, format: string): Column => Column.fn('date_format', c(x), Column.lit(format));
/** The session time zone (`spark.sql.session.timeZone`), e.g. `Etc/UTC`. */
export const current_timezone = (): Column => Column.fn('current_timezone');
/** Takes the timestamp's wall-clock time as being in `tz` and shifts it to UTC's: rendered afterwards, it reads as UTC. */
export const to_utc_timestamp = (x: ColumnOrName, tz: ColumnOrName): Column => Column.fn('to_utc_timestamp', c(x), c(tz));

// ---- execution --------------------------------------------------------------------------------

/** The partition (task) a row is computed in. */
export const spark_partition_id = (): Column => Column.fn('spark_partition_id');
