/**
 * Spark Connect client for TypeScript. Public API only; pipeline code imports from here and never
 * touches protobuf.
 *
 *   const spark = await SparkSession.builder().remote('sc://127.0.0.1:15002').getOrCreate();
 *   const rows = await spark.sql('SELECT 1 AS one').collect(); // [{ one: 1 }]
 *   await spark.stop();
 */
export { SparkSession, SparkSessionBuilder, RuntimeConfig, newSessionId } from './sql/session.js';
export { DataFrame, type Row } from './sql/dataframe.js';
export { Column, type ColumnOrName, type ColumnOrValue, type LiteralValue } from './sql/column.js';
export * as functions from './sql/functions.js';
export { DataStreamReader } from './sql/reader.js';
export { DataFrameWriter, DataStreamWriter, type OutputMode, type Trigger, type OptionValue } from './sql/writer.js';
export { routedForeachBatchExtension, ROUTED_FOREACH_BATCH_PLUGIN_CLASS, ROUTED_FOREACH_BATCH_PLUGIN_JAR, ROUTED_FOREACH_BATCH_TYPE_URL, type BatchRoute, type RoutedForeachBatchInit } from './sql/routed.js';
export {
  StreamingQuery,
  StreamingQueryManager,
  type StreamingQueryProgress,
  type StreamingQueryStatus,
  type StreamingQueryException,
  type SourceProgress,
} from './sql/streaming.js';
export { type StreamingQueryEvent } from './sql/listener.js';
export {
  DataType,
  NullType,
  BinaryType,
  BooleanType,
  ByteType,
  ShortType,
  IntegerType,
  LongType,
  FloatType,
  DoubleType,
  StringType,
  DateType,
  TimestampType,
  TimestampNTZType,
  CalendarIntervalType,
  VariantType,
  DecimalType,
  UnparsedType,
  ArrayType,
  MapType,
  StructField,
  StructType,
  T,
} from './sql/types.js';
export { SparkError, SparkConnectError, SparkPlanError, SparkUnavailableError, SparkTimeoutError } from './client/errors.js';
export { parseSparkConnectUrl, InvalidSparkUrlError, DEFAULT_SPARK_CONNECT_PORT, type SparkConnectUrl } from './client/url.js';
export { CLIENT_TYPE, CLIENT_VERSION } from './client/version.js';
