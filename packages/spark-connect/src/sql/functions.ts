/**
 * Spark SQL functions as Column builders (the subset the pipeline needs, plus `callFunction` for
 * anything else). Names follow PySpark's `pyspark.sql.functions` (snake_case).
 */
import { Column, type ColumnOrName, type ColumnOrValue, type LiteralValue } from './column.js';
import type { DataType } from './types.js';

const c = Column.ofName;

export const col = (name: string): Column => Column.col(name);
export const column = col;
export const lit = (value: LiteralValue): Column => Column.lit(value);
export const expr = (sql: string): Column => Column.expr(sql);

/** Any Spark SQL function by name; arguments that are not Columns become literals. */
export const callFunction = (name: string, ...args: ColumnOrValue[]): Column => Column.fn(name, ...args);
export const call_function = callFunction;

/** `map(k1, v1, k2, v2, ...)` of string literals, the form Spark expects for function options. */
function optionsMap(options: Record<string, string | number | boolean>): Column {
  const args: Column[] = [];
  for (const [k, v] of Object.entries(options)) args.push(Column.lit(k), Column.lit(String(v)));
  return Column.fn('map', ...args);
}

/** A schema for from_json & co: a StructType/DataType (sent as DDL) or a DDL/JSON string. */
export type SchemaLike = DataType | string;
function schemaLiteral(schema: SchemaLike | Column): Column {
  if (schema instanceof Column) return schema;
  if (typeof schema === 'string') return Column.lit(schema);
  return Column.lit(schema.toDDL());
}

// ---- conditionals and nulls -------------------------------------------------------------------

/** `when(cond, value).when(cond2, value2).otherwise(other)` (CASE WHEN). */
export const when = (condition: Column, value: ColumnOrValue): Column => Column.fn('when', condition, value);
export const isnull = (x: ColumnOrName): Column => Column.fn('isnull', c(x));
export const isnotnull = (x: ColumnOrName): Column => Column.fn('isnotnull', c(x));
export const coalesce = (...cols: ColumnOrName[]): Column => Column.fn('coalesce', ...cols.map(c));
export const nvl = (x: ColumnOrName, y: ColumnOrName): Column => Column.fn('nvl', c(x), c(y));
export const not = (x: ColumnOrName): Column => Column.fn('not', c(x));
export const greatest = (...cols: ColumnOrName[]): Column => Column.fn('greatest', ...cols.map(c));
export const least = (...cols: ColumnOrName[]): Column => Column.fn('least', ...cols.map(c));

// ---- casting ----------------------------------------------------------------------------------

export const cast = (x: ColumnOrName, type: DataType | string): Column => c(x).cast(type);
/** TRY_CAST: NULL instead of an error on invalid input. */
export const try_cast = (x: ColumnOrName, type: DataType | string): Column => c(x).tryCast(type);

// ---- JSON and structs -------------------------------------------------------------------------

/** Parses a JSON string column with a schema; invalid JSON gives NULL (PERMISSIVE mode). */
export const from_json = (x: ColumnOrName, schema: SchemaLike | Column, options?: Record<string, string | number | boolean>): Column =>
  options && Object.keys(options).length > 0
    ? Column.fn('from_json', c(x), schemaLiteral(schema), optionsMap(options))
    : Column.fn('from_json', c(x), schemaLiteral(schema));
export const to_json = (x: ColumnOrName, options?: Record<string, string | number | boolean>): Column =>
  options && Object.keys(options).length > 0 ? Column.fn('to_json', c(x), optionsMap(options)) : Column.fn('to_json', c(x));
export const schema_of_json = (json: string): Column => Column.fn('schema_of_json', Column.lit(json));
export const get_json_object = (x: ColumnOrName, path: string): Column => Column.fn('get_json_object', c(x), Column.lit(path));
/** `struct(a, b)`: field names from the columns (aliases or names). */
export const struct = (...cols: ColumnOrName[]): Column => Column.fn('struct', ...cols.map(c));
/** `named_struct('a', colA, 'b', colB)` from an object of fields. */
export const named_struct = (fields: Record<string, ColumnOrValue>): Column =>
  Column.fn('named_struct', ...Object.entries(fields).flatMap(([k, v]) => [Column.lit(k), Column.of(v)]));
export const array = (...cols: ColumnOrName[]): Column => Column.fn('array', ...cols.map(c));
export const create_map = (...cols: ColumnOrValue[]): Column => Column.fn('map', ...cols);
export const element_at = (x: ColumnOrName, key: ColumnOrValue): Column => Column.fn('element_at', c(x), key);
export const size = (x: ColumnOrName): Column => Column.fn('size', c(x));
export const explode = (x: ColumnOrName): Column => Column.fn('explode', c(x));

// ---- strings and binary -----------------------------------------------------------------------

export const concat = (...cols: ColumnOrName[]): Column => Column.fn('concat', ...cols.map(c));
export const concat_ws = (sep: string, ...cols: ColumnOrName[]): Column => Column.fn('concat_ws', Column.lit(sep), ...cols.map(c));
/** Characters of a string, bytes of a binary. */
export const length = (x: ColumnOrName): Column => Column.fn('length', c(x));
export const octet_length = (x: ColumnOrName): Column => Column.fn('octet_length', c(x));
export const upper = (x: ColumnOrName): Column => Column.fn('upper', c(x));
export const lower = (x: ColumnOrName): Column => Column.fn('lower', c(x));
export const trim = (x: ColumnOrName): Column => Column.fn('trim', c(x));
export const substring = (x: ColumnOrName, pos: number, len: number): Column => Column.fn('substring', c(x), pos, len);
export const regexp_replace = (x: ColumnOrName, pattern: string, replacement: string): Column =>
  Column.fn('regexp_replace', c(x), Column.lit(pattern), Column.lit(replacement));
export const regexp_extract = (x: ColumnOrName, pattern: string, idx: number): Column =>
  Column.fn('regexp_extract', c(x), Column.lit(pattern), Column.lit(idx));
export const format_string = (format: string, ...cols: ColumnOrName[]): Column =>
  Column.fn('format_string', Column.lit(format), ...cols.map(c));
export const decode = (x: ColumnOrName, charset: string): Column => Column.fn('decode', c(x), Column.lit(charset));
export const encode = (x: ColumnOrName, charset: string): Column => Column.fn('encode', c(x), Column.lit(charset));
export const base64 = (x: ColumnOrName): Column => Column.fn('base64', c(x));
/** True when a string or binary holds valid UTF-8. */
export const is_valid_utf8 = (x: ColumnOrName): Column => Column.fn('is_valid_utf8', c(x));
export const sha2 = (x: ColumnOrName, numBits: 224 | 256 | 384 | 512 = 256): Column => Column.fn('sha2', c(x), Column.lit(numBits));
export const md5 = (x: ColumnOrName): Column => Column.fn('md5', c(x));
export const hash = (...cols: ColumnOrName[]): Column => Column.fn('hash', ...cols.map(c));
export const xxhash64 = (...cols: ColumnOrName[]): Column => Column.fn('xxhash64', ...cols.map(c));

// ---- dates and times --------------------------------------------------------------------------

export const current_timestamp = (): Column => Column.fn('current_timestamp');
export const current_date = (): Column => Column.fn('current_date');
export const to_timestamp = (x: ColumnOrName, format?: string): Column =>
  format === undefined ? Column.fn('to_timestamp', c(x)) : Column.fn('to_timestamp', c(x), Column.lit(format));
export const to_date = (x: ColumnOrName, format?: string): Column =>
  format === undefined ? Column.fn('to_date', c(x)) : Column.fn('to_date', c(x), Column.lit(format));
export const date_format = (x: ColumnOrName, format: string): Column => Column.fn('date_format', c(x), Column.lit(format));
export const unix_timestamp = (x?: ColumnOrName): Column => (x === undefined ? Column.fn('unix_timestamp') : Column.fn('unix_timestamp', c(x)));
export const timestamp_millis = (x: ColumnOrName): Column => Column.fn('timestamp_millis', c(x));
export const window = (timeColumn: ColumnOrName, windowDuration: string, slideDuration?: string): Column =>
  slideDuration === undefined
    ? Column.fn('window', c(timeColumn), Column.lit(windowDuration))
    : Column.fn('window', c(timeColumn), Column.lit(windowDuration), Column.lit(slideDuration));

// ---- math -------------------------------------------------------------------------------------

export const abs = (x: ColumnOrName): Column => Column.fn('abs', c(x));
export const round = (x: ColumnOrName, scale = 0): Column => Column.fn('round', c(x), Column.lit(scale));
export const floor = (x: ColumnOrName): Column => Column.fn('floor', c(x));
export const ceil = (x: ColumnOrName): Column => Column.fn('ceil', c(x));

// ---- aggregates -------------------------------------------------------------------------------

export const count = (x: ColumnOrName): Column => Column.fn('count', x === '*' ? Column.lit(1) : c(x));
export const sum = (x: ColumnOrName): Column => Column.fn('sum', c(x));
export const avg = (x: ColumnOrName): Column => Column.fn('avg', c(x));
export const min = (x: ColumnOrName): Column => Column.fn('min', c(x));
export const max = (x: ColumnOrName): Column => Column.fn('max', c(x));
export const first = (x: ColumnOrName): Column => Column.fn('first', c(x));
export const last = (x: ColumnOrName): Column => Column.fn('last', c(x));
export const collect_list = (x: ColumnOrName): Column => Column.fn('collect_list', c(x));
export const countDistinct = (...cols: ColumnOrName[]): Column => {
  const f = Column.fn('count', ...cols.map(c));
  const e = f.expr.exprType;
  if (e.case === 'unresolvedFunction') e.value.isDistinct = true;
  return f;
};

// ---- misc -------------------------------------------------------------------------------------

export const monotonically_increasing_id = (): Column => Column.fn('monotonically_increasing_id');
export const uuid = (): Column => Column.fn('uuid');
export const input_file_name = (): Column => Column.fn('input_file_name');
