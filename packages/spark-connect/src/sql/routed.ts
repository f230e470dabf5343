/**
 * Routed foreachBatch: a streaming query whose every micro-batch is computed once and then written by
 * several routes, each the rows matching its condition, projected, through a batch format sink. Spark
 * Connect has no built-in command for it (foreachBatch runs code on the server), so it is the command
 * of a server plugin: dev.streamline.connect.RoutedForeachBatchPlugin (runtime/connect-plugin, conf
 * spark.connect.extensions.command.classes), sent as Command.extension. Its message layout is
 * runtime/connect-plugin/src/main/proto/routed_foreach_batch.proto; it is small enough to write with
 * protobuf's wire API here instead of generating code for it.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { AnySchema, type Any } from '@bufbuild/protobuf/wkt';
import { ExpressionSchema } from '../gen/spark/connect/expressions_pb.js';
import { RelationSchema, type Relation } from '../gen/spark/connect/relations_pb.js';
import type { Column } from './column.js';

export const ROUTED_FOREACH_BATCH_TYPE_URL = 'type.googleapis.com/streamline.connect.RoutedForeachBatch';
/** The server plugin that runs it, and the jar runtime/connect-plugin builds. */
export const ROUTED_FOREACH_BATCH_PLUGIN_CLASS = 'dev.streamline.connect.RoutedForeachBatchPlugin';
export const ROUTED_FOREACH_BATCH_PLUGIN_JAR = 'streamline-connect-plugin.jar';

/**
 * One destination of a routed micro-batch. Routes are written in one pass where their formats allow it (else
 * in order, see routed_foreach_batch.proto); a failing route fails (and replays) the batch.
 */
export interface BatchRoute {
  /** Named in the server's errors and logs. */
  name: string;
  /** Rows this route writes; omitted: every row. */
  condition?: Column;
  /** Columns it writes; omitted: every column. */
  select?: Column[];
  /** The batch writer's format (`df.write.format(...)`), e.g. `mongodb`, `parquet`. */
  format: string;
  options?: Record<string, string>;
  /**
   * Rows the sink rejects one by one, instead of failing (and replaying) the batch: when the write fails
   * with an error matching `pattern` (a Java regex over the error and its causes), the rows are written in
   * halves down to the single rows still rejected, and each goes to the route named `route` (its
   * projection, format and options) with the string column `reasonColumn` set to the matched error.
   */
  rejects?: { pattern: string; route: string; reasonColumn: string };
  /**
   * Writes only the latest row per key of each micro-batch: of the rows this route keeps (after
   * `condition`, before `select`), those with the same non-null `key` are reduced to the one with the
   * highest `orderBy` values (compared left to right, nulls lowest); rows with a null key are all kept.
   * Both are expressions over the route's input rows, e.g. a record id and Kafka's `partition`, `offset`.
   * A sink that writes a batch's rows in no particular order (MongoDB's unordered bulk writes) then
   * still ends with each key's latest version. It costs a shuffle by key and a sort within each key.
   */
  dedupeLatestBy?: { key: Column; orderBy: [Column, ...Column[]] };
  /**
   * TEST ONLY: never set it in a product. After this route wrote a micro-batch that has rows, the batch
   * fails once (the query stops with the error), so a test can restart the query from its checkpoint and
   * see that replay. "Once" is the marker file at this path on the Spark driver, created at the failure.
   */
  testOnlyFailAfterWriteOnce?: { marker: string };
}

export interface RoutedForeachBatchInit {
  input: Relation;
  queryName?: string;
  trigger?: { processingTimeInterval: string } | { availableNow: true };
  /** Options of the streaming query (checkpointLocation, ...). */
  options: Record<string, string>;
  routes: BatchRoute[];
}

const writeMap = (w: BinaryWriter, field: number, map: Record<string, string>) => {
  for (const [key, value] of Object.entries(map)) {
    w.tag(field, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(key).tag(2, WireType.LengthDelimited).string(value).join();
  }
};

function encodeRoute(route: BatchRoute): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).string(route.name);
  if (route.condition) w.tag(2, WireType.LengthDelimited).bytes(toBinary(ExpressionSchema, route.condition.expr));
  for (const column of route.select ?? []) w.tag(3, WireType.LengthDelimited).bytes(toBinary(ExpressionSchema, column.expr));
  w.tag(4, WireType.LengthDelimited).string(route.format);
  writeMap(w, 5, route.options ?? {});
  if (route.rejects) {
    w.tag(6, WireType.LengthDelimited).string(route.rejects.pattern);
    w.tag(7, WireType.LengthDelimited).string(route.rejects.route);
    w.tag(8, WireType.LengthDelimited).string(route.rejects.reasonColumn);
  }
  if (route.dedupeLatestBy) {
    const latest = w.tag(9, WireType.LengthDelimited).fork();
    latest.tag(1, WireType.LengthDelimited).bytes(toBinary(ExpressionSchema, route.dedupeLatestBy.key.expr));
    for (const column of route.dedupeLatestBy.orderBy) latest.tag(2, WireType.LengthDelimited).bytes(toBinary(ExpressionSchema, column.expr));
    latest.join();
  }
  if (route.testOnlyFailAfterWriteOnce) w.tag(10, WireType.LengthDelimited).string(route.testOnlyFailAfterWriteOnce.marker);
  return w.finish();
}

/** The plugin's command, packed as the google.protobuf.Any that goes into Command.extension. */
export function routedForeachBatchExtension(init: RoutedForeachBatchInit): Any {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).bytes(toBinary(RelationSchema, init.input));
  if (init.queryName) w.tag(2, WireType.LengthDelimited).string(init.queryName);
  if (init.trigger && 'processingTimeInterval' in init.trigger) w.tag(3, WireType.LengthDelimited).string(init.trigger.processingTimeInterval);
  if (init.trigger && 'availableNow' in init.trigger) w.tag(4, WireType.Varint).bool(true);
  writeMap(w, 5, init.options);
  for (const route of init.routes) w.tag(6, WireType.LengthDelimited).bytes(encodeRoute(route));
  return create(AnySchema, { typeUrl: ROUTED_FOREACH_BATCH_TYPE_URL, value: w.finish() });
}
