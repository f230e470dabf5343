package dev.streamline.connect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foreachBatch function: each micro-batch is computed once and every route writes its rows. In one
 * pass (SinglePassWrite) where the routes allow it; otherwise the batch is persisted when more than one
 * route reads it and each route writes its rows with the batch writer, in order. A failing route fails the
 * batch, which Spark then replays from the same offsets: sinks that upsert by a key derived from the
 * record rewrite the same documents, so a replay is exactly once in effect. A route with a reject
 * pattern isolates the rows its sink rejects instead (see routed_foreach_batch.proto).
 */
final class RoutedBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
  private static final Logger LOG = LoggerFactory.getLogger(RoutedBatchWriter.class);
  /** Longest reason kept from a sink's error message. */
  private static final int MAX_REASON = 500;

  /** Rejected rows of a route go to `target` with `reasonColumn` set. */
  record RejectRule(Pattern pattern, String target, String reasonColumn) {}

  /**
   * Of rows with the same non-null key, only the one with the highest order (left to right, nulls lowest).
   * A window (a shuffle by key and a sort within each key) keeps the rows' own schema; rows with a null
   * key are not versions of one record, so all of them are kept. The result is coalesced back to the
   * rows' own number of partitions: the shuffle's (spark.sql.shuffle.partitions) would otherwise decide
   * how many tasks write to the sink at once, which the client sets with the input's partitions.
   */
  record LatestPerKey(Column key, Column[] orderBy) {
    private static final String RANK = "__streamline_latest_rank";

    Dataset<Row> of(Dataset<Row> rows) {
      Column[] newestFirst = Arrays.stream(orderBy).map(Column::desc_nulls_last).toArray(Column[]::new);
      Column rank = functions.row_number().over(Window.partitionBy(key).orderBy(newestFirst));
      // An empty batch may have no partitions at all; coalesce needs one.
      int writers = Math.max(1, rows.rdd().getNumPartitions());
      return rows.withColumn(RANK, rank).filter(functions.col(RANK).equalTo(1).or(key.isNull())).drop(RANK).coalesce(writers);
    }
  }

  /**
   * @param latestPerKey null: every kept row is written
   * @param failAfterWriteOnce test only (null in a product): the marker file of the one failure after a write
   */
  record CompiledRoute(String name, Column condition, Column[] projection, String format, Map<String, String> options, RejectRule rejects,
      LatestPerKey latestPerKey, String failAfterWriteOnce) {
    Dataset<Row> kept(Dataset<Row> batch) {
      Dataset<Row> matching = condition == null ? batch : batch.filter(condition);
      return latestPerKey == null ? matching : latestPerKey.of(matching);
    }

    void write(Dataset<Row> rows) {
      Dataset<Row> projected = projection.length == 0 ? rows : rows.select(projection);
      projected.write().format(format).options(options).mode(SaveMode.Append).save();
    }
  }

  private final List<CompiledRoute> routes;

  RoutedBatchWriter(List<CompiledRoute> routes) {
    for (CompiledRoute r : routes) {
      if (r.rejects() != null && routes.stream().noneMatch((t) -> t.name().equals(r.rejects().target()))) {
        throw new IllegalArgumentException("route '" + r.name() + "' sends rejected rows to route '" + r.rejects().target() + "', which does not exist");
      }
    }
    this.routes = routes;
  }

  /**
   * Settings under which caching a Dataset uses the session as it is. Otherwise Spark's CacheManager
   * caches through a clone of the session with them turned off, one clone per micro-batch, and in Spark
   * 4.0.0 no cloned session is ever collected (its ArtifactManager's Cleaner action holds it: SPARK-54753,
   * fixed after 4.0.0): the driver's heap filled in under two hours of a steady stream (SOAK.md). Neither
   * matters to these batches: they have no bucketed scans, and streaming runs without adaptive execution.
   */
  static final Map<String, String> CACHE_WITHOUT_SESSION_CLONE = Map.of(
      "spark.sql.sources.bucketing.autoBucketedScan.enabled", "false",
      "spark.sql.adaptive.applyFinalStageShuffleOptimizations", "false");

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    SinglePassWrite pass = SinglePassWrite.plan(batch, routes);
    if (pass != null) {
      long[] written;
      try {
        written = pass.run();
      } catch (Exception e) {
        // Exception, not RuntimeException: Spark throws its checked SparkException from Scala undeclared.
        String rejected = rejectReason(e);
        if (rejected == null) {
          LOG.warn("routes {} failed in batch {}; the batch will be replayed", routes.stream().map(CompiledRoute::name).toList(), batchId);
          throw e;
        }
        // The one pass cannot tell which rows a sink rejected: the route-by-route write isolates them
        // (rows written before the rejection are upserts of the same keys when written again).
        LOG.warn("a sink rejected rows of batch {} ({}); writing it again route by route to isolate them", batchId, rejected);
        writeRouteByRoute(batch, batchId);
        return;
      }
      for (int i = 0; i < routes.size(); i++) {
        if (routes.get(i).failAfterWriteOnce() != null) failOnceAfterWrite(routes.get(i), written[i] > 0, batchId);
      }
      return;
    }
    writeRouteByRoute(batch, batchId);
  }

  /** The reject reason of the first route whose reject pattern the error matches; null when none does. */
  private String rejectReason(Exception e) {
    return routes.stream().filter((r) -> r.rejects() != null).map((r) -> reason(r.rejects().pattern(), e)).filter((m) -> m != null).findFirst().orElse(null);
  }

  /** Each route in turn over the persisted batch: for routes the one pass cannot write, and to isolate rejected rows. */
  private void writeRouteByRoute(Dataset<Row> batch, long batchId) {
    boolean shared = routes.size() > 1;
    if (shared) {
      CACHE_WITHOUT_SESSION_CLONE.forEach((key, value) -> batch.sparkSession().conf().set(key, value));
      batch.persist(StorageLevel.MEMORY_AND_DISK());
    }
    try {
      for (CompiledRoute route : routes) {
        Dataset<Row> rows = route.kept(batch);
        try {
          route.write(rows);
        } catch (Exception e) {
          // A V2 write whose abort fails too (the MongoDB connector's always does) throws a checked SparkException.
          if (route.rejects() == null || reason(route.rejects().pattern(), e) == null) {
            LOG.warn("route '{}' ({}) failed in batch {}; the batch will be replayed", route.name(), route.format(), batchId);
            throw e;
          }
          isolateRejected(route, rows, batchId);
        }
        if (route.failAfterWriteOnce() != null) failOnceAfterWrite(route, !rows.isEmpty(), batchId);
      }
    } finally {
      if (shared) batch.unpersist(false);
    }
  }

  /**
   * Test only: fails the batch after the route wrote it, the first time the marker file is absent and the
   * route had rows, so that a test sees the batch written and then replayed (route option fail_after_write_once).
   */
  private static void failOnceAfterWrite(CompiledRoute route, boolean hadRows, long batchId) {
    Path marker = Path.of(route.failAfterWriteOnce());
    if (Files.exists(marker) || !hadRows) return;
    try {
      if (marker.getParent() != null) Files.createDirectories(marker.getParent());
      Files.createFile(marker);
    } catch (FileAlreadyExistsException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException("route '" + route.name() + "': cannot create the fail_after_write_once marker " + marker, e);
    }
    LOG.warn("route '{}' ({}) wrote batch {} and fails it on purpose (test only: fail_after_write_once, marker {})", route.name(), route.format(), batchId, marker);
    throw new IllegalStateException("test-only failure after route '" + route.name() + "' wrote batch " + batchId + " (fail_after_write_once, marker " + marker + ")");
  }

  /**
   * Writes the route's rows in halves down to the single rows its sink still rejects, and sends those to
   * the reject route with the reason. Rows written twice on the way are upserts of the same key.
   */
  private void isolateRejected(CompiledRoute route, Dataset<Row> rows, long batchId) {
    RejectRule rule = route.rejects();
    StructType schema = rows.schema();
    if (!List.of(schema.fieldNames()).contains(rule.reasonColumn())) {
      throw new IllegalArgumentException("route '" + route.name() + "': no column '" + rule.reasonColumn() + "' for the reject reason");
    }
    int reasonIndex = schema.fieldIndex(rule.reasonColumn());
    if (!schema.fields()[reasonIndex].dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException("route '" + route.name() + "': reject reason column '" + rule.reasonColumn() + "' is not a string");
    }
    SparkSession spark = rows.sparkSession();
    List<Row> rejected = new ArrayList<>();
    isolate(spark, schema, route, rows.collectAsList(), reasonIndex, rejected);
    CompiledRoute target = routes.stream().filter((t) -> t.name().equals(rule.target())).findFirst().orElseThrow();
    LOG.warn("route '{}' ({}): {} row(s) rejected by the sink in batch {}, written to route '{}'", route.name(), route.format(), rejected.size(), batchId, target.name());
    if (!rejected.isEmpty()) target.write(spark.createDataFrame(rejected, schema));
  }

  private void isolate(SparkSession spark, StructType schema, CompiledRoute route, List<Row> rows, int reasonIndex, List<Row> rejected) {
    if (rows.isEmpty()) return;
    try {
      route.write(spark.createDataFrame(rows, schema));
    } catch (Exception e) {
      String reason = reason(route.rejects().pattern(), e);
      if (reason == null) throw e;
      if (rows.size() == 1) {
        Object[] values = new Object[schema.size()];
        for (int i = 0; i < values.length; i++) values[i] = rows.get(0).get(i);
        values[reasonIndex] = "rejected by the " + route.format() + " sink of route '" + route.name() + "': " + reason;
        rejected.add(RowFactory.create(values));
        return;
      }
      int half = rows.size() / 2;
      isolate(spark, schema, route, rows.subList(0, half), reasonIndex, rejected);
      isolate(spark, schema, route, rows.subList(half, rows.size()), reasonIndex, rejected);
    }
  }

  /** The matched part of the first message in the cause chain that matches, to the end of its line; null when none does. */
  static String reason(Pattern pattern, Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (message == null) continue;
      Matcher m = pattern.matcher(message);
      if (m.find()) {
        int end = message.indexOf('\n', m.start());
        String line = message.substring(m.start(), end < 0 ? message.length() : end);
        return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) : line;
      }
    }
    return null;
  }
}
